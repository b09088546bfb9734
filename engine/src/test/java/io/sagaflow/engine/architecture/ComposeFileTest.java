package io.sagaflow.engine.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * {@code src/main/docker/compose.yaml}, the whole stack in containers (issue 16, item 2), checked without a Docker
 * engine: a valid Compose file by the Compose Specification's own JSON Schema, that names only what exists (build
 * contexts and Dockerfiles of this repository, bind-mounted paths, pinned images, variables the engine and the sample
 * participants read, the port the engine listens on) and starts each service after the health of what it needs, every
 * service having a health check. The same checks run on a broken copy, so each of them is seen to fail.
 *
 * <p>The schema, {@code src/test/resources/compose/compose-spec.json}, is {@code schema/compose-spec.json} of
 * github.com/compose-spec/compose-spec at commit 170098ba07d9f53c383a41bfd4c5166b0a4529a6, unchanged (Apache License
 * 2.0, Copyright 2020 The Compose Specification Authors; README.md beside it).
 */
class ComposeFileTest {

    static final Path COMPOSE = Path.of("../src/main/docker/compose.yaml");
    private static final Path REPOSITORY = Path.of("..");
    private static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    private static final Path SAMPLE_FLOWS = REPOSITORY.resolve("sample-flows/flows");
    /** Where a flow's secrets are named ({@code secretEnv}, {@code passwordEnv}): the sample flows and the docs. */
    private static final List<Path> FLOW_DOCUMENTS = List.of(SAMPLE_FLOWS, REPOSITORY.resolve("docs"));
    /** The sample participants' program and the SDK it runs on: the variables they read are named there. */
    private static final List<Path> PARTICIPANT_SOURCES =
            List.of(REPOSITORY.resolve("sample-flows/src/main/java"), REPOSITORY.resolve("participant/src/main/java"));

    private static final Pattern ENGINE_DOCKERFILE = Pattern.compile("Dockerfile\\.(jvm|native)");
    private static final String PARTICIPANTS_DOCKERFILE = "Dockerfile.participants";
    /** Without these the engine looks for its database, Kafka and Redis on 127.0.0.1: in a container, itself. */
    private static final List<String> ENGINE_CONNECTIONS = List.of("QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_REACTIVE_URL", "KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_REDIS_HOSTS");
    private static final Pattern HOST = Pattern.compile("(?:^|//|,)(?:[^@/,]*@)?([A-Za-z0-9_.-]+):[0-9]+");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(PASSWORD|SECRET).*");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WITH_DEFAULT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*):?-(.*)", Pattern.DOTALL);
    private static final Pattern FLOW_SECRET = Pattern.compile("(?:secretEnv|passwordEnv):\\s*\"?([A-Z_][A-Z0-9_]*)");
    private static final Pattern READ_VARIABLE =
            Pattern.compile("getenv\\((?:\\)\\.getOrDefault\\()?\"([A-Z_][A-Z0-9_]*)\"");

    @Test
    void isAValidComposeFile() throws IOException {
        assertThat(schemaProblems(load())).as("problems the Compose Specification's schema finds in %s", COMPOSE)
                .isEmpty();
    }

    @Test
    void namesOnlyWhatExistsAndStartsEachServiceAfterWhatItNeeds() throws IOException {
        assertThat(problems(load())).as("problems in %s", COMPOSE).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEngineDeploysTheSampleFlowsAndTheNativeNodeIsOptional() throws IOException {
        Map<String, Map<String, Object>> services = services(load());
        Map<String, Object> engine = services.get("engine");
        assertThat(dockerfile(engine)).isEqualTo("Dockerfile.jvm");
        String deployDir = environment(engine).get("SAGAFLOW_FLOWS_DEPLOY_DIR");
        assertThat(deployDir).as("SAGAFLOW_FLOWS_DEPLOY_DIR of the engine").isNotBlank();
        assertThat(bindMounts(engine)).as("bind mounts of the engine").anySatisfy((source, target) -> {
            assertThat(target).isEqualTo(deployDir);
            assertThat(COMPOSE.getParent().resolve(source).toAbsolutePath().normalize())
                    .isEqualTo(SAMPLE_FLOWS.toAbsolutePath().normalize());
        });

        Map<String, Object> nativeNode = services.get("engine-native");
        assertThat(dockerfile(nativeNode)).isEqualTo("Dockerfile.native");
        assertThat((List<Object>) nativeNode.get("profiles")).containsExactly("native");
        // The relay and CacheSync run on the JVM node only, so the native node waits for it; nothing else is optional.
        assertThat(((Map<String, Object>) nativeNode.get("depends_on"))).containsKey("engine");
        services.forEach((name, service) -> assertThat(service.containsKey("profiles") == name.equals("engine-native"))
                .as("only engine-native has profiles, %s", name).isTrue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsWhatABrokenCopyGetsWrong() throws IOException {
        // One mistake for each check: each must be reported, and nothing else.
        Map<String, Object> broken = load();
        Map<String, Map<String, Object>> services = services(broken);
        Map<String, Object> engine = services.get("engine");
        engine.put("restart_policy", "always");
        Map<String, Object> engineEnvironment = (Map<String, Object>) engine.get("environment");
        engineEnvironment.put("SAGAFLOW_REPLIES_CONSUMER", 4);
        engineEnvironment.put("SAGAFLOW_SECURITY_TOKENS_DEMO_CLI_HASH", "sha256:00");
        engineEnvironment.remove("QUARKUS_REDIS_HOSTS");
        ((List<Object>) engine.get("ports")).add("9090:9090");
        ((Map<String, Object>) engine.get("depends_on")).put("zookeeper", Map.of("condition", "service_healthy"));
        ((Map<String, Object>) engine.get("depends_on")).put("mariadb", Map.of("condition", "service_started"));
        ((Map<String, Object>) services.get("engine-native").get("build")).put("context", "../../no-such-context");
        services.get("mariadb").put("build", Map.of("context", ".", "dockerfile", "Dockerfile.mariadb"));
        services.get("redis").put("image", "redis:latest");
        services.get("redis").put("command", List.of("redis-server", "--requirepass", "${REDIS_PASSWORD}"));
        services.get("postgres").put("image", "postgres");
        services.get("kafka").remove("healthcheck");
        ((Map<String, Object>) services.get("postgres").get("environment")).put("POSTGRES_PASSWORD", "hunter2");
        ((Map<String, Object>) services.get("participants").get("environment")).put("HTTP_HOST", "0.0.0.0");
        ((List<Object>) services.get("mariadb").get("volumes")).add("./no-such-dir:/etc/mysql/conf.d:ro");

        assertThat(schemaProblems(broken)).anySatisfy(m -> assertThat(m).contains("restart_policy"));
        List<String> problems = problems(broken);
        List<String> expected = List.of(
                "services.engine.environment.SAGAFLOW_REPLIES_CONSUMER: no setting",
                "services.engine.environment.SAGAFLOW_SECURITY_TOKENS_DEMO_CLI_HASH: the engine cannot read",
                "services.engine.environment: QUARKUS_REDIS_HOSTS is not set",
                "services.engine.ports: container port 9090",
                "services.engine.depends_on: zookeeper is no service",
                "services.engine.depends_on.mariadb: condition service_started",
                "services.engine-native.build: context ../../no-such-context does not exist",
                "services.mariadb.build: dockerfile Dockerfile.mariadb does not exist",
                "services.redis.image: redis:latest",
                "services.redis.command[2]: ${REDIS_PASSWORD} has no default",
                "services.postgres.image: postgres has no tag",
                "services.kafka: no health check",
                "services.postgres.environment.POSTGRES_PASSWORD: a secret in plain text",
                "services.participants.environment.HTTP_HOST: not read by the sample participants",
                "services.mariadb.volumes: ./no-such-dir does not exist");
        assertThat(expected).as("reported for the broken copy: %s", problems)
                .allSatisfy(e -> assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(e)));
        assertThat(problems).hasSameSizeAs(expected);
    }

    // ------------------------------------------------------------------------------------------------- the checks

    /** What is wrong with {@code compose}, one line each ("where: what"); empty when nothing is. */
    static List<String> problems(Map<String, Object> compose) throws IOException {
        List<String> problems = new ArrayList<>();
        eachText(compose, "", (where, text) -> withDefaults(text, variable -> problems.add(where + ": ${" + variable
                + "} has no default: `docker compose up` would need it set (write ${" + variable + ":-demo value})")));
        Map<String, Map<String, Object>> services = services(compose);
        DocumentedSettings settings = DocumentedSettings.read();
        Set<String> flowSecrets = matches(FLOW_DOCUMENTS, FLOW_SECRET);
        Set<String> participantVariables = matches(PARTICIPANT_SOURCES, READ_VARIABLE);
        services.forEach((name, service) -> {
            String at = "services." + name;
            healthCheck(at, service, problems);
            buildAndImage(at, service, problems);
            bindMounts(service).keySet().stream().filter(s -> !Files.exists(COMPOSE.getParent().resolve(s)))
                    .forEach(s -> problems.add(at + ".volumes: " + s + " does not exist"));
            dependencies(at, service, services, problems);
            plainSecrets(at, service, problems);
            if (ENGINE_DOCKERFILE.matcher(dockerfile(service)).matches()) {
                engine(at, service, settings, flowSecrets, problems);
            } else if (dockerfile(service).equals(PARTICIPANTS_DOCKERFILE)) {
                environment(service).keySet().stream().filter(v -> !participantVariables.contains(v))
                        .forEach(v -> problems.add(at + ".environment." + v + ": not read by the sample participants "
                                + "(they read " + participantVariables + ")"));
            }
        });
        enginePorts(services, problems);
        return problems;
    }

    /** Every service says when it is healthy: what depends on it waits for that, and `docker compose ps` shows it. */
    private static void healthCheck(String at, Map<String, Object> service, List<String> problems) {
        Object check = service.get("healthcheck");
        if (!(check instanceof Map<?, ?> c) || Boolean.TRUE.equals(c.get("disable")) || c.get("test") == null
                || List.of("NONE").equals(c.get("test"))) {
            problems.add(at + ": no health check");
        }
    }

    /** A build names a context and a Dockerfile of this repository; an image not built here is pinned. */
    private static void buildAndImage(String at, Map<String, Object> service, List<String> problems) {
        Object build = service.get("build");
        if (build != null) {
            Path context = COMPOSE.getParent().resolve(buildContext(build));
            if (!Files.isDirectory(context)) {
                problems.add(at + ".build: context " + buildContext(build) + " does not exist");
            } else if (!Files.isRegularFile(context.resolve(buildDockerfile(build)))) {
                problems.add(at + ".build: dockerfile " + buildDockerfile(build) + " does not exist in the context "
                        + buildContext(build));
            }
            return;
        }
        String image = withDefaults(String.valueOf(service.get("image")), v -> { });
        String name = image.substring(image.lastIndexOf('/') + 1);
        if (service.get("image") == null) {
            problems.add(at + ": neither an image nor a build");
        } else if (!name.contains(":") && !name.contains("@sha256:")) {
            problems.add(at + ".image: " + image + " has no tag: pin a version");
        } else if (name.endsWith(":latest")) {
            problems.add(at + ".image: " + image + " is 'latest': pin a version");
        }
    }

    /** Dependencies are services of this file, and a dependent waits until they are healthy, not merely started. */
    private static void dependencies(String at, Map<String, Object> service, Map<String, Map<String, Object>> services,
            List<String> problems) {
        Object dependsOn = service.getOrDefault("depends_on", Map.of());
        Map<String, Object> conditions = new LinkedHashMap<>();
        if (dependsOn instanceof List<?> names) {
            names.forEach(n -> conditions.put(String.valueOf(n), "service_started"));
        } else if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((n, d) -> {
                Object condition = d instanceof Map<?, ?> m ? m.get("condition") : null;
                conditions.put(String.valueOf(n), condition == null ? "service_started" : condition); // Compose's default
            });
        }
        conditions.forEach((dependency, condition) -> {
            if (!services.containsKey(dependency)) {
                problems.add(at + ".depends_on: " + dependency + " is no service of this file");
            } else if (!"service_healthy".equals(condition)) {
                problems.add(at + ".depends_on." + dependency + ": condition " + condition
                        + " (starts before it is ready; want service_healthy)");
            }
        });
        String network = String.valueOf(service.getOrDefault("network_mode", ""));
        if (network.startsWith("service:") && !services.containsKey(network.substring(8))) {
            problems.add(at + ".network_mode: " + network.substring(8) + " is no service of this file");
        }
    }

    /** A password or a secret comes from the environment ({@code ${VAR:-demo value}}), never written as the value. */
    private static void plainSecrets(String at, Map<String, Object> service, List<String> problems) {
        rawEnvironment(service).forEach((name, value) -> {
            boolean secret = SECRET_NAME.matcher(name).matches() && !name.endsWith("_HASH")
                    || value.contains("password=");
            if (secret && !value.contains("${")) {
                problems.add(at + ".environment." + name
                        + ": a secret in plain text (take it from ${VAR:-demo value})");
            }
        });
    }

    /**
     * An engine node: every variable is a setting it reads (docs/configuration.md) or a secret a flow names; it is
     * told where PostgreSQL, Kafka and Redis are, waits for their health, and its health check asks /q/health.
     */
    private static void engine(String at, Map<String, Object> service, DocumentedSettings settings,
            Set<String> flowSecrets, List<String> problems) {
        Map<String, String> environment = environment(service);
        environment.keySet().forEach(variable -> {
            if (flowSecrets.contains(variable)) {
                return;
            }
            if (!settings.knowsEnv(variable)) {
                problems.add(at + ".environment." + variable + ": no setting of docs/configuration.md, nor a secret "
                        + "a flow names (the engine would ignore it)");
            } else if (!settings.readsEnv(variable)) {
                problems.add(at + ".environment." + variable + ": the engine cannot read a user, token or secret name "
                        + "with '_' from the environment (make the name one word)");
            }
        });
        Object dependsOn = service.getOrDefault("depends_on", Map.of());
        for (String connection : ENGINE_CONNECTIONS) {
            String value = environment.get(connection);
            if (value == null) {
                problems.add(at + ".environment: " + connection + " is not set (the default is 127.0.0.1: the engine's "
                        + "own container)");
                continue;
            }
            Matcher host = HOST.matcher(value);
            while (host.find()) {
                if (!(dependsOn instanceof Map<?, ?> d && d.containsKey(host.group(1)))) {
                    problems.add(at + ".environment." + connection + ": " + host.group(1)
                            + " is not a service the engine depends on");
                }
            }
        }
        String check = String.valueOf(service.get("healthcheck"));
        if (!check.contains(":" + httpPort(service) + "/q/health/")) {
            problems.add(at + ".healthcheck: does not ask /q/health on the engine's port " + httpPort(service));
        }
    }

    /**
     * In each network namespace that holds an engine (a service and those with {@code network_mode: service:<it>}),
     * the published container ports are the engines' HTTP ports, and each engine's port is published.
     */
    private static void enginePorts(Map<String, Map<String, Object>> services, List<String> problems) {
        services.forEach((name, service) -> {
            if (String.valueOf(service.getOrDefault("network_mode", "")).startsWith("service:")) {
                if (service.containsKey("ports")) {
                    problems.add("services." + name + ".ports: it shares another service's network; publish there");
                }
                return;
            }
            Set<Integer> listening = new LinkedHashSet<>();
            services.forEach((member, s) -> {
                boolean inNamespace = member.equals(name) || ("service:" + name).equals(s.get("network_mode"));
                if (inNamespace && ENGINE_DOCKERFILE.matcher(dockerfile(s)).matches()) {
                    listening.add(httpPort(s));
                }
            });
            if (listening.isEmpty()) {
                return;
            }
            Set<Integer> published = new LinkedHashSet<>();
            for (Object port : (List<?>) service.getOrDefault("ports", List.of())) {
                published.add(containerPort(port));
            }
            String at = "services." + name + ".ports: ";
            published.stream().filter(p -> !listening.contains(p)).forEach(p -> problems.add(at + "container port " + p
                    + ", on which no engine listens here (they listen on " + listening + ")"));
            listening.stream().filter(p -> !published.contains(p))
                    .forEach(p -> problems.add(at + "the engine's port " + p + " is not published"));
        });
    }

    // ------------------------------------------------------------------------------------------------- reading

    static Map<String, Object> load() throws IOException {
        return load(Files.readString(COMPOSE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String yaml) {
        // The YAML 1.2 core schema, as Compose reads it (`yes` is text); merge keys (<<: *anchor) applied.
        LoadSettings settings = LoadSettings.builder().setSchema(new CoreSchema()).setAllowDuplicateKeys(false).build();
        return (Map<String, Object>) new Load(settings).loadFromString(yaml);
    }

    /** The schema's messages for {@code compose} as written (before interpolation, as an editor checks it). */
    static List<String> schemaProblems(Map<String, Object> compose) {
        // Loaded by location: the schema's relative $id (compose_spec.json) needs a base to resolve against.
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of("classpath:compose/compose-spec.json"));
        Set<ValidationMessage> messages = schema.validate(new ObjectMapper().valueToTree(compose));
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        return (Map<String, Map<String, Object>>) compose.getOrDefault("services", Map.of());
    }

    /** The service's variables as written (a mapping or a list of NAME=value). */
    private static Map<String, String> rawEnvironment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        Object environment = service.get("environment");
        if (environment instanceof Map<?, ?> map) {
            map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (environment instanceof List<?> list) {
            list.forEach(e -> {
                String entry = String.valueOf(e);
                int eq = entry.indexOf('=');
                out.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            });
        }
        return out;
    }

    /** The service's variables as the container gets them when none is set on the host. */
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        rawEnvironment(service).forEach((k, v) -> out.put(k, withDefaults(v, variable -> { })));
        return out;
    }

    /** Host path -> container path of each bind mount. */
    private static Map<String, String> bindMounts(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Object volume : (List<?>) service.getOrDefault("volumes", List.of())) {
            if (volume instanceof Map<?, ?> v && "bind".equals(v.get("type"))) {
                out.put(String.valueOf(v.get("source")), String.valueOf(v.get("target")));
            } else if (volume instanceof String v && (v.startsWith(".") || v.startsWith("/"))) {
                String[] parts = v.split(":");
                out.put(parts[0], parts.length > 1 ? parts[1] : parts[0]);
            }
        }
        return out;
    }

    private static String buildContext(Object build) {
        Object context = build instanceof Map<?, ?> b ? b.get("context") : build;
        return context == null ? "." : String.valueOf(context);
    }

    private static String buildDockerfile(Object build) {
        Object dockerfile = build instanceof Map<?, ?> b ? b.get("dockerfile") : null;
        return dockerfile == null ? "Dockerfile" : String.valueOf(dockerfile);
    }

    /** The file name of the service's Dockerfile, or "" for a service that is not built here. */
    private static String dockerfile(Map<String, Object> service) {
        Object build = service.get("build");
        return build == null ? "" : Path.of(buildDockerfile(build)).getFileName().toString();
    }

    /** The port the engine of {@code service} listens on: QUARKUS_HTTP_PORT, else application.properties. */
    private static int httpPort(Map<String, Object> service) {
        String port = environment(service).get("QUARKUS_HTTP_PORT");
        if (port != null) {
            return Integer.parseInt(port);
        }
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(APPLICATION_PROPERTIES)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + APPLICATION_PROPERTIES, e);
        }
        return Integer.parseInt(properties.getProperty("quarkus.http.port"));
    }

    /** "8080", "8080:8080", "127.0.0.1:8080:8080/tcp" or {target: 8080}: the container's side. */
    private static int containerPort(Object port) {
        if (port instanceof Map<?, ?> p) {
            return Integer.parseInt(String.valueOf(p.get("target")));
        }
        String text = withDefaults(String.valueOf(port), v -> { }).replaceFirst("/.*", "");
        return Integer.parseInt(text.substring(text.lastIndexOf(':') + 1));
    }

    /**
     * {@code text} as Compose makes it when no variable is set on the host: {@code ${NAME:-default}} and
     * {@code ${NAME-default}} become the default, {@code $$} a dollar; each variable without a default is reported.
     */
    static String withDefaults(String text, Consumer<String> noDefault) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
            if (c == '$' && next == '$') {
                out.append('$');
                i += 2;
            } else if (c == '$' && next == '{') {
                int end = text.indexOf('}', i);
                end = end < 0 ? text.length() : end;
                Matcher m = WITH_DEFAULT.matcher(text.substring(i + 2, end));
                if (m.matches()) {
                    out.append(m.group(2));
                } else {
                    noDefault.accept(text.substring(i + 2, end));
                }
                i = end + 1;
            } else if (c == '$' && NAME.matcher(text).region(i + 1, text.length()).lookingAt()) {
                Matcher m = NAME.matcher(text).region(i + 1, text.length());
                m.lookingAt();
                noDefault.accept(m.group());
                i = m.end();
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Calls {@code action} with the path and the text of every string in {@code node}, keys included. */
    private static void eachText(Object node, String path, BiConsumer<String, String> action) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                String at = path.isEmpty() ? String.valueOf(k) : path + "." + k;
                action.accept(at, String.valueOf(k));
                eachText(v, at, action);
            });
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                eachText(list.get(i), path + "[" + i + "]", action);
            }
        } else if (node instanceof String text) {
            action.accept(path, text);
        }
    }

    /** Group 1 of every match of {@code pattern} in the text files (Java, YAML, Markdown) under {@code roots}. */
    private static Set<String> matches(List<Path> roots, Pattern pattern) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().matches(".*\\.(java|yaml|md)")).toList()) {
                    Matcher m = pattern.matcher(Files.readString(file));
                    while (m.find()) {
                        found.add(m.group(1));
                    }
                }
            }
        }
        return found;
    }
}
