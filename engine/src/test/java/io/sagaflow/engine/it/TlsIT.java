package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.config.RestAssuredConfig;
import io.restassured.config.SSLConfig;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.sagaflow.engine.security.Secrets;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the engine's port (issue 12, item 7), as docs/security.md configures it: a PKCS#12 key store from a file,
 * its password from the environment, HTTPS only. A self-signed certificate made here with keytool; a client that
 * trusts it starts a saga to its end, one that does not is refused in the handshake, and the plain port is closed.
 */
class TlsIT {

    private static final String STORE_PASSWORD = "tls-it-store-secret";
    private static final String TOKEN = "tls-it-admin-token-0123456789";

    @TempDir
    Path dir;
    private TestInfra infra;
    private EngineProcess engine;

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void theEngineSpeaksOnlyHttpsWithItsCertificate() throws Exception {
        Path keyStore = dir.resolve("engine.p12");
        Path trustStore = dir.resolve("clients.p12");
        keytool("-genkeypair", "-alias", "engine", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD);
        Path cert = dir.resolve("engine.crt");
        keytool("-exportcert", "-alias", "engine", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "engine", "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trustStore.toString(), "-storepass", "trust-it");

        infra = new TestInfra();
        int plainPort = TestInfra.freePort();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.http.port", String.valueOf(plainPort));   // known, to check that it stays shut
        config.put("quarkus.http.ssl-port", String.valueOf(TestInfra.freePort()));
        config.put("quarkus.http.insecure-requests", "disabled");
        config.put("quarkus.tls.key-store.p12.path", keyStore.toString());
        config.put("env.QUARKUS_TLS_KEY_STORE_P12_PASSWORD", STORE_PASSWORD);   // a secret: never on the command line
        config.put("sagaflow.security.enabled", "true");
        config.put("sagaflow.security.tokens.it.hash", Secrets.hashToken(TOKEN));
        config.put("sagaflow.security.tokens.it.roles", "admin");
        engine = EngineProcess.start(infra, "tls", config);
        assertThat(engine.baseUri()).startsWith("https://");

        RequestSpecification trusting = given().baseUri(engine.baseUri()).header("Authorization", "Bearer " + TOKEN)
                .config(RestAssuredConfig.config().sslConfig(SSLConfig.sslConfig().trustStore(trustStore.toString(), "trust-it")));
        String yaml = Files.readString(Path.of("../sample-flows/flows/order-checkout.yaml"))
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + infra.participants.httpPort());
        given().spec(trusting).contentType("application/yaml").body(yaml.getBytes(StandardCharsets.UTF_8)).post("/api/flows")
                .then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
        String id = given().spec(trusting).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"tls-1\",\"amount\":10}}")
                .post("/api/sagas").then().statusCode(201).extract().path("id");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                given().spec(trusting).get("/api/sagas/" + id).then().body("status", equalTo("COMPLETED")));
        given().spec(trusting).get("/q/health/ready").then().statusCode(200);

        // A client that does not trust the certificate gets no answer at all.
        assertThatThrownBy(() -> given().baseUri(engine.baseUri()).get("/q/health/ready"))
                .isInstanceOf(SSLException.class).hasMessageContaining("PKIX");
        // Nothing listens in plain HTTP.
        assertThatThrownBy(() -> new Socket("127.0.0.1", plainPort).close()).isInstanceOf(ConnectException.class);
        assertThat(String.join("\n", engine.logLines(""))).doesNotContain(STORE_PASSWORD);
    }

    private static void keytool(String... args) throws Exception {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java.resolveSibling("keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool %s: %s", args[0], out).isZero();
    }
}
