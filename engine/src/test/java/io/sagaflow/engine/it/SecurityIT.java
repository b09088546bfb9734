package io.sagaflow.engine.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may do what, on the running engine with security on: 401 without or with wrong credentials, 403 for a role
 * short (every role against the operations of each kind), the audit of operator actions, the dashboard's login,
 * session cookie and CSRF check.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
@TestProfile(SecurityProfile.class)
class SecurityIT {

    private static RequestSpecification as(String user) {
        return given().auth().preemptive().basic(user, user + "-pw");
    }

    private static RequestSpecification withToken(String token) {
        return given().header("Authorization", "Bearer " + token);
    }

    @BeforeEach
    void deploySampleFlows() throws Exception {
        try (var files = Files.list(Path.of("../sample-flows/flows"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                as("ada").contentType("application/yaml").body(Files.readString(file).replace("http://127.0.0.1:8081",
                                "http://127.0.0.1:" + SagaflowStack.participants().httpPort()).getBytes(StandardCharsets.UTF_8))
                        .post("/api/flows").then().statusCode(org.hamcrest.Matchers.oneOf(200, 201));
            }
        }
    }

    @Test
    void healthIsOpenAndEverythingElseNeedsCredentials() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/api/sagas").then().statusCode(401).contentType("application/problem+json")
                .body("type", containsString("login-required"))
                .header("WWW-Authenticate", containsString("realm=\"sagaflow\""));
        given().get("/api/sagas/" + UUID.randomUUID() + "/stream").then().statusCode(401);
        given().contentType(ContentType.JSON).body("{\"flow\":\"order-checkout\",\"input\":{}}").post("/api/sagas")
                .then().statusCode(401);
        given().auth().preemptive().basic("olga", "wrong").get("/api/sagas").then().statusCode(401)
                .body("type", containsString("invalid-credentials"));
        withToken("no-such-token").get("/api/sagas").then().statusCode(401);
        given().header("Authorization", "Digest x").get("/api/sagas").then().statusCode(401);
        // a dashboard page sends the browser to the login page, and back after it
        given().redirects().follow(false).get("/sagas?status=FAILED").then().statusCode(303)
                .header("Location", equalTo("/login?next=%2Fsagas%3Fstatus%3DFAILED"));
        given().get("/login").then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"));
    }

    /** A JWT as an identity provider would sign it, with the test key (src/test/resources/security). */
    private static String jwt(String user, java.util.List<String> roles, long expiresInSeconds) throws Exception {
        org.jose4j.jwt.JwtClaims c = new org.jose4j.jwt.JwtClaims();
        c.setIssuer(SecurityProfile.JWT_ISSUER);
        c.setAudience("sagaflow");
        c.setSubject(user + "-id");
        c.setClaim("preferred_username", user);
        c.setClaim("realm_access", java.util.Map.of("roles", roles));
        c.setExpirationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(System.currentTimeMillis() + expiresInSeconds * 1000));
        org.jose4j.jws.JsonWebSignature jws = new org.jose4j.jws.JsonWebSignature();
        jws.setPayload(c.toJson());
        String pem = Files.readString(Path.of("src/test/resources/security/jwt-test-private.pem"))
                .replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        jws.setKey(java.security.KeyFactory.getInstance("RSA").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getDecoder().decode(pem))));
        jws.setAlgorithmHeaderValue(org.jose4j.jws.AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    @Test
    void anIdentityProvidersJwtActsWithItsRolesAndIsAudited() throws Exception {
        String olga = jwt("olga.sso", java.util.List.of("offline_access", "operator"), 300);
        withToken(olga).get("/api/sagas").then().statusCode(200);
        withToken(olga).contentType("application/yaml").body("kind: Saga".getBytes(StandardCharsets.UTF_8)).post("/api/flows").then().statusCode(403)
                .body("detail", containsString("olga.sso (operator)"));
        String id = withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout-strict\",\"input\":{\"orderId\":\"jwt-1\",\"simulate\":{\"payments\":\"timeout\"}}}")
                .post("/api/sagas").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> withToken(olga).get("/api/sagas/" + id + "/events").then().extract()
                .jsonPath().getList("type").contains("StepAttemptStarted"));
        withToken(olga).contentType(ContentType.JSON).body("{\"reason\":\"customer called\"}")
                .post("/api/sagas/" + id + "/abort").then().statusCode(200);
        assertThat(withToken(olga).get("/api/sagas/" + id + "/events").jsonPath()
                .getString("find { it.type == 'AbortRequested' }.data.by")).isEqualTo("olga.sso");
        withToken(jwt("olga.sso", java.util.List.of("operator"), -120)).get("/api/sagas").then().statusCode(401)
                .body("detail", containsString("expired"));
        withToken(jwt("nobody", java.util.List.of("offline_access"), 300)).get("/api/sagas").then().statusCode(401)
                .body("detail", containsString("no Sagaflow role"));
    }

    @Test
    void metricsAndTheOpenApiDocumentNeedAViewer() {
        for (String ops : List.of("/q/metrics", "/q/openapi")) {
            given().get(ops).then().statusCode(401).contentType("application/problem+json")
                    .body("type", containsString("login-required"))
                    .header("WWW-Authenticate", containsString("realm=\"sagaflow\""));
            withToken("no-such-token").get(ops).then().statusCode(401).body("type", containsString("invalid-credentials"));
            withToken(SecurityProfile.STARTER_TOKEN).get(ops).then().statusCode(403).body("detail", containsString("viewer"));
            as("vic").get(ops).then().statusCode(200);   // a password (checked off the event loop)
            withToken(SecurityProfile.OPERATOR_TOKEN).get(ops).then().statusCode(200);
        }
        withToken(SecurityProfile.OPERATOR_TOKEN).get("/q/metrics").then().body(containsString("jvm_memory_used_bytes"));
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** One operation of each kind, with the callers that may call it; every other caller gets 403. */
    private record Operation(String name, String method, String path, String body, List<String> allowed) {
    }

    @Test
    void everyRoleGetsExactlyWhatTheMatrixSays() {
        String unknown = UUID.randomUUID().toString();
        List<Operation> operations = List.of(
                new Operation("list sagas", "GET", "/api/sagas", null, List.of("vic", "olga", "ada", "ops")),
                new Operation("overview", "GET", "/api/overview", null, List.of("vic", "olga", "ada", "ops")),
                new Operation("one saga", "GET", "/api/sagas/" + unknown, null, List.of("vic", "olga", "ada", "shop", "ops")),
                new Operation("abort", "POST", "/api/sagas/" + unknown + "/abort", "{\"reason\":\"t\"}", List.of("olga", "ada", "ops")),
                new Operation("redrive", "POST", "/api/dead-letters/" + unknown + "/redrive", "{}", List.of("olga", "ada", "ops")),
                new Operation("resend", "POST", "/api/notifications/" + unknown + "/resend", null, List.of("olga", "ada", "ops")),
                new Operation("bulk redrive", "POST", "/api/dead-letters/redrive?source=SAGA", "{}", List.of("ada")),
                new Operation("deploy", "POST", "/api/flows", "x: y", List.of("ada")),
                new Operation("undeploy", "DELETE", "/api/flows/no-such-flow", null, List.of("ada")),
                new Operation("start", "POST", "/api/sagas", "{\"flow\":\"no-such-flow-\"}", List.of("ada")),
                new Operation("start own flow", "POST", "/api/sagas", "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"m\"}}",
                        List.of("ada", "shop")),
                new Operation("settle a message", "POST", "/api/messages/" + unknown + "/commit", null, List.of("olga", "ada", "ops", "shop")));
        List<String> callers = List.of("vic", "olga", "ada", "shop", "ops");
        StringBuilder wrong = new StringBuilder();
        for (Operation op : operations) {
            for (String caller : callers) {
                RequestSpecification request = switch (caller) {
                    case "shop" -> withToken(SecurityProfile.STARTER_TOKEN);
                    case "ops" -> withToken(SecurityProfile.OPERATOR_TOKEN);
                    default -> as(caller);
                };
                if (op.body() != null) {
                    request = request.contentType(op.path().equals("/api/flows") ? "application/yaml" : "application/json")
                            .body(op.body().getBytes(StandardCharsets.UTF_8));
                }
                int status = request.request(op.method(), op.path()).statusCode();
                boolean allowed = op.allowed().contains(caller);
                if (status == 401 || allowed == (status == 403)) {
                    wrong.append(String.format("%n%s as %s: %d (expected %s)", op.name(), caller, status, allowed ? "allowed" : "403"));
                }
            }
        }
        assertThat(wrong).as("operations answered against the matrix").isEmpty();
    }

    @Test
    void aStarterStartsOnlyTheFlowsItsTokenNames() {
        withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-hold\",\"input\":{\"orderId\":\"s-1\"}}").post("/api/sagas")
                .then().statusCode(403).body("type", containsString("flow-not-allowed"))
                .body("detail", containsString("order-checkout"));
        as("ada").get("/api/sagas?flow=order-hold").then().statusCode(200).body("items.size()", equalTo(0));
        withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"s-2\"}}").post("/api/sagas").then().statusCode(201);
    }

    @Test
    void aPrincipalOverItsWriteRateGets429WithRetryAfterAndNothingChanges() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < 2; i++) {   // the burst: twice the rate
            withToken(SecurityProfile.SLOW_TOKEN).contentType(ContentType.JSON).header("Idempotency-Key", run + "-" + i)
                    .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"r-" + i + "\"}}").post("/api/sagas")
                    .then().statusCode(201);
        }
        Response refused = withToken(SecurityProfile.SLOW_TOKEN).contentType(ContentType.JSON)
                .header("Idempotency-Key", run + "-2").body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"r-2\"}}")
                .post("/api/sagas");
        refused.then().statusCode(429).contentType("application/problem+json").body("type", containsString("rate-limited"))
                .body("detail", containsString("slow"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 2L);
        as("vic").get("/api/sagas?q=" + run + "-2").then().statusCode(200).body("items.size()", equalTo(0));
        // Another principal is not held back; reads are not limited.
        withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"r-other\"}}").post("/api/sagas").then().statusCode(201);
        withToken(SecurityProfile.SLOW_TOKEN).get("/api/flows").then().statusCode(org.hamcrest.Matchers.not(429));
        // After Retry-After, the same request goes through.
        TestInfra.sleep(retryAfter * 1000);
        withToken(SecurityProfile.SLOW_TOKEN).contentType(ContentType.JSON).header("Idempotency-Key", run + "-2")
                .body("{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"r-2\"}}").post("/api/sagas")
                .then().statusCode(201);
    }

    @Test
    void aBodyOverTheLimitIs413BeforeItIsReadAndAHugeHeader431() {
        String big = "{\"flow\":\"order-checkout\",\"input\":{\"pad\":\"" + "x".repeat(1_100_000) + "\"}}";
        withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON).body(big).post("/api/sagas")
                .then().statusCode(413).contentType("application/problem+json").body("type", containsString("payload-too-large"))
                .body("detail", containsString("sagaflow.api.max-body-bytes"));
        withToken(SecurityProfile.STARTER_TOKEN).header("X-Pad", "y".repeat(40_000)).get("/api/sagas")
                .then().statusCode(431);
    }

    @Test
    void anOperatorActionRecordsWhoAndWhy() {
        String id = withToken(SecurityProfile.STARTER_TOKEN).contentType(ContentType.JSON)
                .body("{\"flow\":\"order-checkout-strict\",\"input\":{\"orderId\":\"a-1\",\"simulate\":{\"payments\":\"timeout\"}}}")
                .post("/api/sagas").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> as("vic").get("/api/sagas/" + id + "/events").then().extract()
                .jsonPath().getList("type").contains("StepAttemptStarted"));
        as("vic").contentType(ContentType.JSON).body("{\"reason\":\"viewer tries\"}").post("/api/sagas/" + id + "/abort")
                .then().statusCode(403).body("detail", containsString("vic (viewer) may not POST"));
        as("olga").contentType(ContentType.JSON).body("{\"reason\":\"customer called\"}").post("/api/sagas/" + id + "/abort")
                .then().statusCode(200);
        Response events = as("vic").get("/api/sagas/" + id + "/events");
        assertThat(events.jsonPath().getString("find { it.type == 'AbortRequested' }.data.by")).isEqualTo("olga");
        assertThat(events.jsonPath().getString("find { it.type == 'AbortRequested' }.data.reason")).isEqualTo("customer called");
        as("olga").get("/api/me").then().statusCode(200).body("name", equalTo("olga")).body("roles", equalTo(List.of("operator")));
    }

    @Test
    void theDashboardLoginSetsASessionThatNeedsTheCsrfHeaderToChangeAnything() {
        Response bad = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", "olga").formParam("password", "nope").formParam("next", "/sagas").post("/login");
        assertThat(bad.statusCode()).isEqualTo(303);
        assertThat(bad.header("Location")).startsWith("/login?failed=1");
        assertThat(bad.getCookie("sagaflow_session")).isNull();

        Response good = given().redirects().follow(false).contentType(ContentType.URLENC)
                .formParam("username", "olga").formParam("password", "olga-pw").formParam("next", "//evil.example/x").post("/login");
        assertThat(good.statusCode()).isEqualTo(303);
        assertThat(good.header("Location")).isEqualTo("/");   // never off-site
        assertThat(good.header("Set-Cookie")).contains("HttpOnly").containsIgnoringCase("SameSite=Strict");
        String session = good.getCookie("sagaflow_session");

        given().cookie("sagaflow_session", session).get("/api/me").then().statusCode(200).body("name", equalTo("olga"));
        given().cookie("sagaflow_session", session).get("/sagas").then().statusCode(200);
        String unknown = UUID.randomUUID().toString();
        given().cookie("sagaflow_session", session).contentType(ContentType.JSON).body("{\"reason\":\"x\"}")
                .post("/api/sagas/" + unknown + "/abort").then().statusCode(403).body("type", containsString("csrf-header-missing"));
        given().cookie("sagaflow_session", session).header("X-Sagaflow-Request", "dashboard").contentType(ContentType.JSON)
                .body("{\"reason\":\"x\"}").post("/api/sagas/" + unknown + "/abort").then().statusCode(404);
        given().cookie("sagaflow_session", session.substring(0, session.length() - 2) + "xx").get("/api/me").then().statusCode(401);
        given().redirects().follow(false).cookie("sagaflow_session", session).post("/logout").then().statusCode(303)
                .header("Set-Cookie", containsString("Max-Age=0"));
    }

    @Test
    void theDashboardAsksForALoginInTheBrowserAndActsAsThatUser() {
        org.openqa.selenium.WebDriver browser = Browser.open();
        try {
            var wait = Browser.waitFor(browser);
            String base = "http://127.0.0.1:" + RestAssured.port;
            browser.get(base + "/sagas?status=FAILED");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("/login?next="));
            browser.findElement(org.openqa.selenium.By.id("username")).sendKeys("vic");
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys("wrong");
            browser.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(org.openqa.selenium.By.id("failed")));
            browser.findElement(org.openqa.selenium.By.id("username")).sendKeys("vic");
            browser.findElement(org.openqa.selenium.By.id("password")).sendKeys("vic-pw");
            browser.findElement(org.openqa.selenium.By.cssSelector("button[type=submit]")).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("/sagas?status=FAILED"));
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.id("who"), "vic"));
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.textToBePresentInElementLocated(
                    org.openqa.selenium.By.tagName("main"), "No saga matches"));
            browser.findElement(org.openqa.selenium.By.xpath("//button[normalize-space()='Log out']")).click();
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("/login"));
            browser.get(base + "/");
            wait.until(org.openqa.selenium.support.ui.ExpectedConditions.urlContains("/login?next=%2F"));
        } finally {
            browser.quit();
        }
    }
}
