package io.sagaflow.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The Kubernetes manifests quarkus-kubernetes generated at package time (issue 16, item 3; docs/kubernetes.md): N
 * replicas probed on {@code /q/health}, a Service, every setting from the ConfigMap and the Secret, no secret in plain
 * text, and nothing named that the engine would not read. An IT because the manifests exist only after
 * {@code package}.
 */
class KubernetesManifestsIT {

    private static final Path MANIFESTS = Path.of("target/kubernetes/kubernetes.yml");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET|TOKEN|HASH|CREDENTIAL|_KEY).*");

    private static List<Map<String, Object>> objects;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void read() throws Exception {
        objects = new ArrayList<>();
        new Load(LoadSettings.builder().build()).loadAllFromString(Files.readString(MANIFESTS))
                .forEach(o -> objects.add((Map<String, Object>) o));
    }

    @Test
    void aServiceAndADeploymentOfThreeReplicasProbedOnHealth() {
        assertThat(objects).extracting(o -> o.get("kind")).contains("Deployment", "Service", "ConfigMap")
                .doesNotContain("Secret", "Job");
        Map<String, Object> deployment = only("Deployment");
        assertThat(at(deployment, "spec", "replicas")).isEqualTo(3);
        Map<String, Object> container = container(deployment);
        assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
        assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
        assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo("/q/health/started");
        assertThat(at(container, "readinessProbe", "httpGet", "port")).isEqualTo(8080);
        assertThat(at(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
        Map<String, Object> service = only("Service");
        assertThat((List<?>) at(service, "spec", "ports")).singleElement()
                .satisfies(p -> assertThat(((Map<?, ?>) p).get("targetPort")).isEqualTo(8080));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySettingComesFromTheConfigMapOrTheSecretAndNoSecretIsInPlainText() throws Exception {
        Map<String, Object> container = container(only("Deployment"));
        List<Map<String, Object>> envFrom = (List<Map<String, Object>>) container.get("envFrom");
        assertThat(envFrom).anySatisfy(e -> assertThat(at(e, "configMapRef", "name")).isEqualTo("sagaflow-config"))
                .anySatisfy(e -> assertThat(at(e, "secretRef", "name")).isEqualTo("sagaflow-secrets"));

        DocumentedSettings settings = DocumentedSettings.read();
        List<String> unknown = new ArrayList<>();
        List<String> plainSecrets = new ArrayList<>();
        for (Map<String, Object> env : (List<Map<String, Object>>) container.get("env")) {
            String name = (String) env.get("name");
            if (!settings.readsEnv(name) && !name.equals("KUBERNETES_NAMESPACE")) {
                unknown.add(name);
            }
            if (env.containsKey("value") && SECRET_NAME.matcher(name).matches()) {
                plainSecrets.add(name);
            }
        }
        Map<String, Object> data = (Map<String, Object>) only("ConfigMap").get("data");
        assertThat(data).containsKeys("QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_REACTIVE_URL",
                "KAFKA_BOOTSTRAP_SERVERS");
        for (String name : data.keySet()) {
            if (!settings.readsEnv(name)) {
                unknown.add(name);
            }
            if (SECRET_NAME.matcher(name).matches()) {
                plainSecrets.add(name + " (ConfigMap)");
            }
        }
        assertThat(unknown).as("variables that are no setting of docs/configuration.md the engine would read").isEmpty();
        assertThat(plainSecrets).as("secrets in plain text (they belong in the Secret sagaflow-secrets)").isEmpty();
    }

    @Test
    void theSettingsCheckKnowsWhatIsNoSetting() throws Exception {
        DocumentedSettings settings = DocumentedSettings.read();
        assertThat(settings.knowsEnv("SAGAFLOW_REPLIES_CONSUMERS")).isTrue();
        assertThat(settings.knowsEnv("SAGAFLOW_SECURITY_USERS_ALICE_ROLES")).isTrue();
        assertThat(settings.knowsEnv("QUARKUS_DATASOURCE_PASSWORD")).isTrue();
        assertThat(settings.knowsEnv("KAFKA_SECURITY_PROTOCOL")).isTrue();
        assertThat(settings.knowsEnv("SAGAFLOW_REPLIES_CONSUMER")).isFalse();
        assertThat(settings.knowsEnv("SAGAFLOW_NO_SUCH_THING")).isFalse();
        assertThat(settings.readsEnv("SAGAFLOW_SECURITY_TOKENS_CLI_HASH")).isTrue();
        assertThat(settings.readsEnv("SAGAFLOW_SECURITY_TOKENS_DEMO_CLI_HASH")).as("a name of two words").isFalse();
    }

    private static Map<String, Object> only(String kind) {
        List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
        assertThat(found).as("objects of kind %s", kind).hasSize(1);
        return found.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> container(Map<String, Object> deployment) {
        List<Map<String, Object>> containers = (List<Map<String, Object>>) at(deployment, "spec", "template", "spec",
                "containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String p : path) {
            assertThat(current).as("%s in %s", p, String.join(".", path)).isInstanceOf(Map.class);
            current = ((Map<String, Object>) current).get(p);
        }
        return current;
    }
}
