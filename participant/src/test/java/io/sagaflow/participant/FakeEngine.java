package io.sagaflow.participant;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The engine's reliable-message API (SPEC §4) as far as the producer uses it: prepare answers 201 with the next
 * id, commit and rollback answer 200. Records every call as "METHOD path".
 */
final class FakeEngine implements AutoCloseable {

    final List<String> calls = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private volatile String nextId = UUID.randomUUID().toString();

    FakeEngine() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/messages", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                calls.add(exchange.getRequestMethod() + " " + path);
                byte[] body = path.equals("/api/messages")
                        ? ("{\"id\":\"" + nextId + "\",\"status\":\"PREPARED\"}").getBytes(StandardCharsets.UTF_8)
                        : new byte[0];
                exchange.sendResponseHeaders(path.equals("/api/messages") ? 201 : 200, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            }
        });
        server.start();
    }

    /** The id the next prepare answers. */
    void nextId(String id) {
        nextId = id;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
