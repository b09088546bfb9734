package io.sagaflow.engine.it;


import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntUnaryOperator;

/**
 * A notification receiver on a random port: records every request (time of arrival, headers, raw body) and
 * answers per path with a status chosen from how many requests of that notification it saw before.
 */
final class NotificationReceiver implements AutoCloseable {

    private static final int THREADS = 16;

    /** One request as it arrived. */
    record Received(String path, UUID notificationId, int attempt, Instant at, String signature, String contentType,
                    byte[] body, int answered) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(THREADS);
    private final List<Received> received = new ArrayList<>();
    private final Map<String, IntUnaryOperator> answers = new ConcurrentHashMap<>();

    NotificationReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Answers requests to {@code path} with {@code status(requests of that notification seen before)}. */
    void answer(String path, IntUnaryOperator status) {
        answers.put(path, status);
    }

    List<Received> all() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<Received> of(String notificationId) {
        UUID id = UUID.fromString(notificationId);
        return all().stream().filter(r -> id.equals(r.notificationId())).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant at = Instant.now();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String path = exchange.getRequestURI().getPath();
        String idHeader = exchange.getRequestHeaders().getFirst("Sagaflow-Notification-Id");
        String attemptHeader = exchange.getRequestHeaders().getFirst("Sagaflow-Attempt");
        UUID id = idHeader == null ? null : UUID.fromString(idHeader);
        int status;
        synchronized (received) {
            long before = received.stream().filter(r -> id != null && id.equals(r.notificationId())).count();
            status = answers.getOrDefault(path, n -> 200).applyAsInt((int) before);
            received.add(new Received(path, id, attemptHeader == null ? 0 : Integer.parseInt(attemptHeader), at,
                    exchange.getRequestHeaders().getFirst("Sagaflow-Signature"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, status));
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
