package io.sagaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The engine's REST API as the CLI uses it: JSON in and out, the token as a bearer header, an answer of 400 and above
 * turned into {@link Refused} (carrying the problem), a server that cannot be reached into {@link Unreachable}.
 */
final class EngineClient {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A status and a body, as the engine answered. */
    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("the engine answered " + status + " with a body that is not JSON", e);
            }
        }
    }

    /** The engine answered with an error (its problem+json in {@code answer}). Exit code 1. */
    static final class Refused extends RuntimeException {
        final Answer answer;

        Refused(Answer answer) {
            super("HTTP " + answer.status());
            this.answer = answer;
        }

        /** The problem's detail, or title, or the raw body. */
        String explain() {
            try {
                JsonNode p = answer.json();
                String title = p.path("title").asText("");
                String detail = p.path("detail").asText("");
                return answer.status() + " " + (title.isEmpty() ? "" : title + ": ") + detail;
            } catch (RuntimeException notJson) {
                return answer.status() + " " + answer.body();
            }
        }
    }

    /** No connection to the engine (refused, timed out, unknown host). Exit code 3. */
    static final class Unreachable extends RuntimeException {
        Unreachable(URI server, Exception cause) {
            super("cannot reach the engine at " + server + " (" + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")", cause);
        }
    }

    private final URI server;
    private final Optional<String> token;
    private final HttpClient http;

    EngineClient(URI server, Optional<String> token) {
        this.server = server;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    Answer get(String path) {
        return send(request(path).GET());
    }

    Answer post(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    Answer postJson(String path, Object body) {
        try {
            return post(path, "application/json", JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Answer delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Follows a server-sent-event stream: calls {@code onData} with each event's data until the server ends the
     * stream (the engine ends a saga's stream when the saga completed or was compensated), or {@code onData} answers
     * false.
     */
    void follow(String path, java.util.function.Predicate<String> onData) {
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(request(path).header("Accept", "text/event-stream")
                    .GET().build(), HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() >= 400) {
                throw new Refused(new Answer(r.statusCode(), r.body().collect(Collectors.joining("\n"))));
            }
            try (var lines = r.body()) {
                var data = lines.filter(l -> l.startsWith("data:")).map(l -> l.substring(5).trim()).iterator();
                while (data.hasNext()) {
                    if (!onData.test(data.next())) {
                        return;
                    }
                }
            }
        } catch (IOException e) {
            throw new Unreachable(server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(server, e);
        }
    }

    /** {@code path?k=v&...} with the present values, URL-encoded. */
    static String query(String path, Map<String, ?> params) {
        Map<String, String> present = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (v != null) {
                present.put(k, String.valueOf(v));
            }
        });
        if (present.isEmpty()) {
            return path;
        }
        return path + "?" + present.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A path segment (an id or a name typed by the user), encoded. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json, application/problem+json");
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Answer answer = new Answer(r.statusCode(), r.body());
            if (r.statusCode() >= 400) {
                throw new Refused(answer);
            }
            return answer;
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new Unreachable(server, e);
        } catch (IOException e) {
            throw new Unreachable(server, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(server, e);
        }
    }
}
