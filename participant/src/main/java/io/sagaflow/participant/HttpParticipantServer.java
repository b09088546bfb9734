package io.sagaflow.participant;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server for plain-Java participants on the JDK's {@code com.sun.net.httpserver}: {@code POST
 * /{command}} goes to an {@link HttpParticipantHandler}; {@link #mountCheckBack} adds {@code GET /tx-status}.
 */
public final class HttpParticipantServer implements AutoCloseable {

    /** The path of the reliable-message check-back. */
    public static final String CHECK_BACK_PATH = "/tx-status";

    private static final int THREADS = 8;
    private static final int STOP_DELAY_SECONDS = 1;

    private final HttpServer server;
    private final ExecutorService executor;

    private HttpParticipantServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving {@code commands} on {@code address} (port 0 picks a free one, see {@link #port()}). */
    public static HttpParticipantServer start(InetSocketAddress address, HttpParticipantHandler commands)
            throws IOException {
        HttpServer server = HttpServer.create(address, 0);
        ExecutorService executor = Executors.newFixedThreadPool(THREADS);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String command = path.substring(path.lastIndexOf('/') + 1);
                if (!"POST".equals(exchange.getRequestMethod()) || command.isEmpty()) {
                    send(exchange, HttpParticipantHandler.problem(405, "method-not-allowed",
                            "commands are POST /{command}"));
                    return;
                }
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
                byte[] body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = in.readAllBytes();
                }
                send(exchange, commands.handle(command, headers, body).toCompletableFuture().join());
            }
        });
        server.start();
        return new HttpParticipantServer(server, executor);
    }

    /** Serves the reliable-message check-back at {@code GET /tx-status?messageId=...}. */
    public HttpParticipantServer mountCheckBack(CheckBackHandler checkBack) {
        server.createContext(CHECK_BACK_PATH, exchange -> {
            try (exchange) {
                send(exchange, checkBack.http(query(exchange).get("messageId")));
            }
        });
        return this;
    }

    /** The port it listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> params = new HashMap<>();
        String raw = Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("");
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void send(HttpExchange exchange, HttpParticipantHandler.Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        exchange.sendResponseHeaders(response.status(), response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    /** Stops accepting requests and lets running ones finish for a second. */
    @Override
    public void close() {
        server.stop(STOP_DELAY_SECONDS);
        executor.shutdown();
    }
}
