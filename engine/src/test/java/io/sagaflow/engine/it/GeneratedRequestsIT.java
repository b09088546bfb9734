package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sagaflow.engine.security.Secrets;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Locale;
import java.util.Random;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated requests against every operation of the published OpenAPI document (issue 12, item 4): path parameters,
 * query parameters, headers and bodies from a grammar of awkward values (NUL, lone surrogates, numbers out of range,
 * deep nesting, malformed JSON, wrong media types, huge strings), sent by an admin, a starter or nobody to an engine
 * with security on and sagas of its own. Every answer must be below 500, within the document
 * ({@link ContractCheck}), and free of class names and SQL. The generator is seeded: the log and a failure name the
 * seed, and {@code -Dgenerated.seed=<seed>} sends the same requests again. Every failing request is listed, not
 * only the first.
 */
class GeneratedRequestsIT {

    private static final Logger LOG = Logger.getLogger(GeneratedRequestsIT.class);
    /** Requests per run ({@code -Dgenerated.tries}). */
    private static final int TRIES = Integer.getInteger("generated.tries", 3000);
    private static final String ADMIN = "generated-admin-token-0123456789";
    private static final String STARTER = "generated-starter-token-0123456789";
    private static final List<String> LEAKS = List.of("Exception", "org.postgresql", "io.sagaflow.", "java.lang",
            "SQLSTATE", "com.fasterxml", "at io.", "jakarta.");

    private static TestInfra infra;
    private static EngineProcess engine;
    private static ContractCheck contract;
    private static List<Map.Entry<String, Map.Entry<String, JsonNode>>> operations;
    private static final List<String> KNOWN_IDS = new ArrayList<>();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();   // no h2c upgrade
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final Map<Integer, Integer> STATUSES = new java.util.concurrent.ConcurrentSkipListMap<>();

    @BeforeAll
    static void startEngine() throws Exception {
        contract = ContractCheck.load();
        operations = contract.operations();
        infra = new TestInfra();
        Map<String, String> config = new HashMap<>();
        config.put("sagaflow.security.enabled", "true");
        config.put("sagaflow.security.tokens.gen.hash", Secrets.hashToken(ADMIN));
        config.put("sagaflow.security.tokens.gen.roles", "admin");
        config.put("sagaflow.security.tokens.gen.writes-per-second", "100000");
        config.put("sagaflow.security.tokens.shop.hash", Secrets.hashToken(STARTER));
        config.put("sagaflow.security.tokens.shop.roles", "starter");
        config.put("sagaflow.security.tokens.shop.flows", "order-checkout");
        engine = EngineProcess.start(infra, "generated", config);
        String yaml = Files.readString(Path.of("../sample-flows/flows/order-checkout.yaml"))
                .replace("http://127.0.0.1:8081", "http://127.0.0.1:" + infra.participants.httpPort());
        assertThat(send("POST", "/api/flows", "application/yaml", yaml, ADMIN).statusCode()).isIn(200, 201);
        for (int i = 0; i < 3; i++) {
            Answer started = send("POST", "/api/sagas", "application/json",
                    "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"g-" + i + "\",\"amount\":" + i
                            + ",\"simulate\":{\"payments\":\"fail\"}}}", ADMIN);
            assertThat(started.statusCode()).isEqualTo(201);
            KNOWN_IDS.add(started.body().replaceAll("(?s).*\"id\"\\s*:\\s*\"([0-9a-f-]{36})\".*", "$1"));
        }
    }

    @AfterAll
    static void stopEngine() throws Exception {
        if (contract != null) {
            contract.writeCovered();
        }
        if (engine != null) {
            engine.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    /** What came back: status, content type, body (empty for an event stream). */
    record Answer(int statusCode, String contentType, String body) {
    }

    /** One generated request. */
    record Call(String method, String template, String path, String query, String contentType, String body, String token,
                String idempotencyKey) {
        @Override
        public String toString() {
            return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " [" + contentType + ", "
                    + (token == null ? "no credentials" : token.equals(ADMIN) ? "admin" : "starter") + ", key "
                    + idempotencyKey + "] " + (body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body);
        }
    }

    @Test
    void noGeneratedRequestBreaksTheEngineOrTheContract() throws Exception {
        long seed = Long.getLong("generated.seed", System.nanoTime());
        Random random = new Random(seed);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < TRIES; i++) {
            Call call = call(random);
            Answer r;
            try {
                r = send(call);
            } catch (java.net.http.HttpTimeoutException e) {
                failures.add("#" + i + " " + call + "\n    -> no answer within 20 s");
                continue;
            } catch (java.io.IOException e) {
                // Vert.x answers a request line or headers too long (414, 431) as HTTP/1.0 and closes; the JDK client
                // may still hand that connection to the next request. Once again on a fresh connection, then it counts.
                try {
                    r = send(call);
                } catch (java.io.IOException again) {
                    failures.add("#" + i + " " + call + "\n    -> the connection broke twice: " + again);
                    continue;
                }
            }
            SENT.incrementAndGet();
            STATUSES.merge(r.statusCode(), 1, Integer::sum);
            String why = wrong(call, r);
            if (why != null) {
                failures.add("#" + i + " " + call + "\n    -> " + why);
            }
        }
        LOG.infof("generated requests (seed %d, again with -Dgenerated.seed=%d): %d sent, by status %s", seed, seed,
                SENT.get(), STATUSES);
        failures.forEach(f -> LOG.error("generated request failed: " + f));
        assertThat(failures).as("%d requests broke the engine or the contract (seed %d; each in the log); the first: %s",
                failures.size(), seed, failures.isEmpty() ? "" : failures.get(0)).isEmpty();
    }

    /** What is wrong with this answer, or null. */
    private static String wrong(Call call, Answer r) {
        if (r.statusCode() >= 500) {
            return "answered " + r.statusCode() + ": " + abbreviate(r.body());
        }
        String violation = contract.violation(call.method(), call.path(), r.statusCode(),
                r.contentType(), r.body());
        if (violation != null) {
            return violation;
        }
        if (r.statusCode() >= 400) {
            for (String leak : LEAKS) {
                if (r.body().contains(leak)) {
                    return "the answer leaks '" + leak + "': " + abbreviate(r.body());
                }
            }
        }
        return null;
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    /** One request: an operation of the document, its path and query filled, a media type, a body, a caller. */
    private static Call call(Random r) {
        Map.Entry<String, Map.Entry<String, JsonNode>> op = operations.get(r.nextInt(operations.size()));
        String template = op.getKey();
        String method = op.getValue().getKey().toUpperCase(Locale.ROOT);
        JsonNode spec = op.getValue().getValue();
        boolean read = method.equals("GET") || method.equals("DELETE");
        boolean withBody = read ? r.nextInt(5) == 0 : r.nextInt(9) != 0;   // a read now and then with one, a change without
        String body = withBody ? body(r) : null;
        String token = switch (r.nextInt(10)) {
            case 0 -> null;
            case 1 -> STARTER;
            default -> ADMIN;
        };
        String key = r.nextBoolean() ? null : ascii(r, r.nextInt(300));
        return new Call(method, template, path(r, template), query(r, spec), pick(r, CONTENT_TYPES), body, token, key);
    }

    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json", "application/json",
            "application/yaml", "text/plain", "application/xml", "application/problem+json", "",
            "application/json; charset=latin1");

    /** The template with each {id}-like segment filled: a known saga, a random UUID, or something awkward. */
    private static String path(Random r, String template) {
        StringBuilder out = new StringBuilder();
        for (String part : template.split("/")) {
            if (!out.isEmpty() || !part.isEmpty()) {
                out.append('/');
            }
            if (!part.startsWith("{")) {
                out.append(part);
                continue;
            }
            out.append(switch (r.nextInt(4)) {
                case 0 -> pick(r, KNOWN_IDS);
                case 1 -> new UUID(r.nextLong(), r.nextLong()).toString();
                case 2 -> pick(r, List.of("order-checkout", "x", "..", "%00", "%2F", "%C0%AF", "%ED%A0%80", "a%00b", "-1",
                        "00000000-0000-0000-0000-000000000000", "%25zz"));
                default -> encode(awkward(r));
            });
        }
        return out.toString();
    }

    /** Some of the operation's declared query parameters (and now and then one it does not know), awkward values. */
    private static String query(Random r, JsonNode spec) {
        List<String> names = new ArrayList<>();
        spec.path("parameters").forEach(p -> {
            if ("query".equals(p.path("in").asText())) {
                names.add(p.path("name").asText());
            }
        });
        names.add("unknown");
        List<String> pairs = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
            String value = switch (r.nextInt(3)) {
                case 0 -> encode(awkward(r));
                case 1 -> pick(r, List.of("0", "-1", "1", "500", "501", "9223372036854775808", "abc", "true", "COMPLETED",
                        "FAILED", "order-checkout", "%00", "%25zz", "2026-12-05T00:00:00Z", "1e3", ""));
                default -> String.valueOf(r.nextInt());
            };
            pairs.add(pick(r, names) + "=" + value);
        }
        return String.join("&", pairs);
    }

    /** A string of the kinds that break parsers and databases. */
    private static String awkward(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> {   // any UTF-16 units, lone surrogates included
                StringBuilder b = new StringBuilder();
                for (int i = r.nextInt(40); i > 0; i--) {
                    b.append((char) r.nextInt(0x10000));
                }
                yield b.toString();
            }
            case 1 -> {
                char[] chars = {'\u0000', '\ud800', '\udfff', '\uffff', '"', '\\', '/', '%', ' ', 'a', '\u202e'};
                StringBuilder b = new StringBuilder();
                for (int i = r.nextInt(20); i > 0; i--) {
                    b.append(chars[r.nextInt(chars.length)]);
                }
                yield b.toString();
            }
            case 2 -> "x".repeat(r.nextBoolean() ? 300 + r.nextInt(2000) : 2000 + r.nextInt(8000));   // near and over the limits
            default -> pick(r, List.of("", " ", "null", "{}", "'; DROP TABLE saga; --", "${jndi:ldap://x}", "\u0000", "s\ud800"));
        };
    }

    private static String ascii(Random r, int length) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < length; i++) {
            b.append((char) (' ' + r.nextInt('~' - ' ' + 1)));
        }
        return b.toString();
    }

    /** Bodies: JSON from a grammar of the API's own field names and awkward values, and things that are not JSON. */
    private static String body(Random r) {
        int kind = r.nextInt(8);
        if (kind < 6) {
            return render(json(r, 3));
        }
        if (kind == 6) {
            return pick(r, List.of("null", "[]", "{}", "\"text\"", "42", "{", "{\"flow\":}", "{\"a\":1}}",
                    "[".repeat(70) + "]".repeat(70),
                    "{\"input\":" + "[".repeat(5000) + "]".repeat(5000) + ",\"flow\":\"order-checkout\"}",
                    "{\"flow\":\"order-checkout\",\"input\":{\"amount\":1e999999}}",
                    "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"o-\\u0000\"}}",
                    "{\"flow\":\"order-checkout\",\"input\":{\"orderId\":\"s\\ud800\"}}",
                    "apiVersion: sagaflow.io/v1\nkind: Saga\nmetadata: {name: g}\nspec: {steps: []}",
                    "kind: [", "\u0000\u0001\u0002"));
        }
        return awkward(r);
    }

    private static final List<String> FIELDS = List.of("flow", "input", "reason", "by", "confirm", "status", "payload",
            "target", "name", "step", "ids", "source", "limit", "destination", "key", "headers", "url", "topic", "filter",
            "dryRun", "version", "output", "outcome", "from", "to");

    /** A JSON value as a Java tree (Map, List, String, Number, Boolean, null) of depth up to {@code depth}. */
    private static Object json(Random r, int depth) {
        int kind = depth == 0 ? 0 : r.nextInt(7);
        if (kind >= 2 && kind < 6) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = r.nextInt(6); i > 0; i--) {
                m.put(r.nextInt(4) == 0 ? awkward(r) : pick(r, FIELDS), json(r, depth - 1));
            }
            return m;
        }
        if (kind == 6) {
            List<Object> l = new ArrayList<>();
            for (int i = r.nextInt(5); i > 0; i--) {
                l.add(json(r, depth - 1));
            }
            return l;
        }
        return switch (r.nextInt(8)) {
            case 0 -> awkward(r);
            case 1 -> pick(r, List.of("order-checkout", "COMPLETED", "FAILED", "REDRIVEN", "SAGA", "charge", "ship"));
            case 2 -> pick(r, KNOWN_IDS);
            case 3 -> r.nextInt();
            case 4 -> r.nextLong();
            case 5 -> pick(r, List.of(0.5, -1.0, Double.MAX_VALUE, 1e-300));
            case 6 -> r.nextBoolean();
            default -> null;
        };
    }

    private static <T> T pick(Random r, List<T> from) {
        return from.get(r.nextInt(from.size()));
    }

    private static String render(Object tree) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(tree);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static Answer send(Call c) throws Exception {
        String uri = engine.baseUri() + c.path() + (c.query().isEmpty() ? "" : "?" + c.query());
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(20));
        if (c.token() != null) {
            b.header("Authorization", "Bearer " + c.token());
        }
        if (!c.contentType().isEmpty() && c.body() != null) {
            b.header("Content-Type", c.contentType());
        }
        if (c.idempotencyKey() != null && !c.idempotencyKey().isEmpty()) {
            b.header("Idempotency-Key", c.idempotencyKey());
        }
        b.method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(c.body(), StandardCharsets.UTF_8));
        HttpResponse<java.io.InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        String type = r.headers().firstValue("Content-Type").orElse(null);
        try (java.io.InputStream in = r.body()) {
            // An event stream does not end: its status and type are the answer (closing it cancels the stream).
            String body = type != null && type.startsWith("text/event-stream") ? ""
                    : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Answer(r.statusCode(), type, body);
        }
    }

    private static Answer send(String method, String path, String contentType, String body, String token)
            throws Exception {
        return send(new Call(method, path, path, "", contentType, body, token, null));
    }
}
