package io.sagaflow.engine.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;

/**
 * The contract test (issue 12, item 4): every response any IT gets from an engine's {@code /api} is checked against
 * the OpenAPI document the build published ({@code target/openapi/openapi.json}): the operation exists, it lists the
 * status, and a response with a body has a media type the document lists for that status. A response the document
 * does not foresee fails the test that made the request. Installed once per test JVM as a global REST Assured filter;
 * what was checked (operation and status) is written to {@code target/contract/covered-*.txt} when the JVM ends
 * (one file per class loader; {@code sort -u target/contract/covered-*.txt} is the whole).
 */
public final class ContractCheck implements Filter {

    private static final Path DOCUMENT = Path.of("target/openapi/openapi.json");
    /** One file per copy of this class (each {@code @QuarkusTest} application has its own class loader). */
    private static final Path COVERED = Path.of("target/contract/covered-" + java.util.UUID.randomUUID() + ".txt");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private static volatile boolean installed;
    /** What is answered before a request is routed: the HTTP layer's 414 and 431, the access filter's 401 and 403. */
    private static final Set<Integer> BEFORE_ROUTING = Set.of(401, 403, 414, 431);

    private final List<Template> templates = new ArrayList<>();
    private final Set<String> covered = new ConcurrentSkipListSet<>();

    private record Template(String path, Pattern pattern, int literals, JsonNode item) {
    }

    private final JsonNode schemas;

    ContractCheck(JsonNode document) {
        this.schemas = document.path("components").path("schemas");
        for (Iterator<Map.Entry<String, JsonNode>> it = document.path("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String regex = "^" + e.getKey().replaceAll("\\{[^/}]+}", "[^/]+") + "/?$";
            int literals = (int) java.util.Arrays.stream(e.getKey().split("/")).filter(s -> !s.startsWith("{")).count();
            templates.add(new Template(e.getKey(), Pattern.compile(regex), literals, e.getValue()));
        }
    }

    /** Adds the check to every REST Assured request of this JVM (idempotent). */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        ContractCheck check = load();
        RestAssured.filters(check);
        Runtime.getRuntime().addShutdownHook(new Thread(check::writeCovered, "contract-covered"));
        installed = true;
    }

    /** The check against the built document, for a test that sends its requests itself (writes what it covered too). */
    static ContractCheck load() {
        JsonNode document;
        try {
            document = new ObjectMapper().readTree(DOCUMENT.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("the contract test needs the built OpenAPI document " + DOCUMENT.toAbsolutePath()
                    + " (quarkus.smallrye-openapi.store-schema-directory); build the engine first", e);
        }
        return new ContractCheck(document);
    }

    /** Every operation of the document: its path template, method (lower case) and its description in the document. */
    List<Map.Entry<String, Map.Entry<String, JsonNode>>> operations() {
        List<Map.Entry<String, Map.Entry<String, JsonNode>>> out = new ArrayList<>();
        for (Template t : templates) {
            t.item().fields().forEachRemaining(m -> {
                if (METHODS.contains(m.getKey())) {
                    out.add(Map.entry(t.path(), Map.entry(m.getKey(), m.getValue())));
                }
            });
        }
        return out;
    }

    @Override
    public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification responseSpec,
                           FilterContext context) {
        Response response = context.next(request, responseSpec);
        String problem = violation(request.getMethod(), URI.create(request.getURI()).getRawPath(), response);
        if (problem != null) {
            throw new AssertionError("contract (docs/openapi.json): " + problem);
        }
        return response;
    }

    /** Why this answer breaks the document, or null when it keeps it. */
    String violation(String method, String path, Response response) {
        return violation(method, path, response.statusCode(), response.contentType(), response.asString());
    }

    /** Why an answer of {@code status}, with this content type and body, breaks the document, or null. */
    String violation(String method, String rawPath, int status, String contentType, String body) {
        String path = rawPath.replaceAll("/{2,}", "/");   // as the server routes it: '//' is one '/'
        if (!path.startsWith("/api/")) {
            return null;
        }
        Template template = templates.stream().filter(t -> t.pattern().matcher(path).matches())
                .max(java.util.Comparator.comparingInt(Template::literals)).orElse(null);
        if (template == null) {
            // No operation: 404 or 405 from the router, or what comes before routing (the HTTP layer's 414 and 431,
            // the access filter's 401 and 403).
            return status == 404 || status == 405 || BEFORE_ROUTING.contains(status) ? null
                    : method + " " + path + " is no operation of the document, yet answered " + status;
        }
        String m = method.toLowerCase(Locale.ROOT);
        JsonNode op = template.item().path("head".equals(m) ? "get" : m);
        if (op.isMissingNode() || !METHODS.contains("head".equals(m) ? "get" : m)) {
            // No such operation on the path: 405 (with Allow) or, for OPTIONS, the list of methods.
            return status == 405 || "options".equals(m) || BEFORE_ROUTING.contains(status) ? null
                    : method + " " + template.path() + " is not in the document, yet answered " + status;
        }
        JsonNode responses = op.path("responses");
        JsonNode declared = responses.has(String.valueOf(status)) ? responses.get(String.valueOf(status)) : responses.get("default");
        String operation = method + " " + template.path();
        if (declared == null) {
            TreeSet<String> listed = new TreeSet<>();
            responses.fieldNames().forEachRemaining(listed::add);
            return operation + " answered " + status + " (" + contentType + ": " + abbreviate(body)
                    + "); the document lists " + listed;
        }
        String type = contentType == null ? "" : contentType.split(";")[0].trim();
        JsonNode content = declared.path("content");
        if (body != null && !body.isEmpty() && content.size() > 0 && !type.isEmpty() && !content.has(type)
                && !content.has("*/*")) {
            TreeSet<String> listed = new TreeSet<>();
            content.fieldNames().forEachRemaining(listed::add);
            return operation + " answered " + status + " as " + type + "; the document lists " + listed + " for it";
        }
        if (status < 300 && type.endsWith("json") && body != null && !body.isEmpty() && content.has(type)) {
            String shape = shape(content.get(type).path("schema"), body);
            if (shape != null) {
                return operation + " answered " + status + " with a body the document does not describe: " + shape;
            }
        }
        covered.add(operation + " " + status);
        return null;
    }

    /**
     * Whether a JSON body keeps what the document declares of its shape: every {@code required} field present, and,
     * in an object whose shape is declared (it has {@code required}), a null only where the schema allows it
     * ({@code anyOf} with {@code type: null}, or a schema without a type, such as {@code AnyJson}). Types and formats
     * are Jackson's business; these two are ours (api.BodyShapes).
     */
    private String shape(JsonNode schema, String body) {
        try {
            return shape(schema, new ObjectMapper().readTree(body), "$", 0);
        } catch (IOException e) {
            return "not JSON: " + e.getMessage();
        }
    }

    private String shape(JsonNode schema, JsonNode value, String where, int depth) {
        if (depth > 30 || schema == null || schema.isMissingNode()) {
            return null;
        }
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return shape(schemas.path(ref.substring(ref.lastIndexOf('/') + 1)), value, where, depth + 1);
        }
        if (value.isNull()) {
            return null;   // judged by the object holding it, when that object's shape is declared (below)
        }
        if (schema.has("anyOf")) {
            for (JsonNode option : schema.get("anyOf")) {
                if (!option.path("type").asText().equals("null") && shape(option, value, where, depth + 1) == null) {
                    return null;
                }
            }
            return null;   // a value none of the options fits is Jackson's business (types), not ours
        }
        if (value.isObject()) {
            for (JsonNode field : schema.path("required")) {
                if (!value.has(field.asText())) {
                    return where + "." + field.asText() + " is required but missing";
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = schema.path("properties").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> p = it.next();
                boolean declared = schema.has("required");   // a shape api.BodyShapes states: its nulls too
                if (declared && value.has(p.getKey()) && value.get(p.getKey()).isNull() && !allowsNull(p.getValue())) {
                    return where + "." + p.getKey() + " is null, which its schema does not allow";
                }
                if (value.has(p.getKey())) {
                    String bad = shape(p.getValue(), value.get(p.getKey()), where + "." + p.getKey(), depth + 1);
                    if (bad != null) {
                        return bad;
                    }
                }
            }
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                String bad = shape(schema.get("items"), value.get(i), where + "[" + i + "]", depth + 1);
                if (bad != null) {
                    return bad;
                }
            }
        }
        return null;
    }

    private boolean allowsNull(JsonNode schema) {
        if (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            return allowsNull(schemas.path(ref.substring(ref.lastIndexOf('/') + 1)));
        }
        if (schema.has("anyOf")) {
            for (JsonNode option : schema.get("anyOf")) {
                if (allowsNull(option)) {
                    return true;
                }
            }
            return false;
        }
        JsonNode type = schema.path("type");
        if (type.isMissingNode()) {
            return !schema.has("properties") && !schema.has("enum") && !schema.has("items");   // free-form
        }
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (t.asText().equals("null")) {
                    return true;
                }
            }
            return false;
        }
        return type.asText().equals("null");
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Writes what was checked so far to {@code target/contract} (at JVM exit, or by a test that sends its own). */
    void writeCovered() {
        try {
            Files.createDirectories(COVERED.getParent());
            Files.write(COVERED, covered);
        } catch (IOException e) {
            System.err.println("contract: could not write " + COVERED + ": " + e);
        }
    }
}
