package io.sagaflow.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * HTTP participants (SPEC §5): {@code POST /{participant}/{command}}; 200 = success, 422 = business failure,
 * 503 = retry. A simulated timeout holds the request without answering until the caller gives up.
 * {@code GET /journal} lists every command received, for the demo.
 */
final class HttpEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final Shop shop;

    HttpEndpoint(Shop shop, int port, List<String> participants) throws IOException {
        this.shop = shop;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(16));
        for (String participant : participants) {
            server.createContext("/" + participant + "/", exchange -> command(participant, exchange));
        }
        server.createContext("/journal", this::journal);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void start() {
        server.start();
    }

    private void command(String participant, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "{\"message\":\"POST only\"}");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String command = path.substring(path.lastIndexOf('/') + 1);
            JsonNode input = JSON.readTree(exchange.getRequestBody());
            var h = exchange.getRequestHeaders();
            Shop.Answer answer = shop.handle(participant, command, h.getFirst("Sagaflow-Kind"),
                    h.getFirst("Sagaflow-Saga-Id"), h.getFirst("Sagaflow-Step"), h.getFirst("Idempotency-Key"),
                    h.getFirst("Sagaflow-Message-Id"), input);
            if (answer.silent()) {
                // No answer in time: hold the request until the caller's timeout closes it.
                TimeUnit.SECONDS.sleep(120);
                return;
            }
            int status = switch (answer.outcome()) {
                case "SUCCESS" -> 200;
                case "FAILURE" -> 422;
                default -> 503;
            };
            send(exchange, status, answer.body().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller gave up (timeout) and closed the connection
        }
    }

    private void journal(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(shop.journal()));
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
