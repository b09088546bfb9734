package io.sagaflow.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sagaflow.participant.HttpParticipantHandler;
import io.sagaflow.participant.KafkaParticipantRunner;
import io.sagaflow.participant.CommandHandler;
import io.sagaflow.participant.CommandResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * HTTP participants (SPEC §5) on the SDK's {@link HttpParticipantHandler}: {@code POST /{participant}/{command}};
 * 200 = success, 409 = business failure, 503 = retry. A simulated timeout holds the request without answering
 * until the caller gives up. {@code GET /journal} lists every command received, for the demo. One JDK server
 * serves both participants (and the journal) on one port, so it routes by path itself instead of using
 * {@code HttpParticipantServer}, which serves one participant at {@code /{command}}.
 */
final class HttpEndpoint implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a simulated timeout holds a request: longer than any step timeout of the sample flows. */
    private static final long HOLD_SECONDS = 120;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(16);
    private final Shop shop;

    HttpEndpoint(Shop shop, int port, List<String> participants) throws IOException {
        this.shop = shop;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(executor);
        for (String participant : participants) {
            HttpParticipantHandler handler = new HttpParticipantHandler(holdingSilence(shop.participant(participant)));
            server.createContext("/" + participant + "/", exchange -> command(handler, exchange));
        }
        server.createContext("/journal", this::journal);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void start() {
        server.start();
    }

    private void command(HttpParticipantHandler handler, HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "application/json", "{\"message\":\"POST only\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String command = path.substring(path.lastIndexOf('/') + 1);
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            HttpParticipantHandler.Response response = handler.handle(command, headers, body).toCompletableFuture().join();
            send(exchange, response.status(), response.contentType(), response.body());
        } catch (IOException e) {
            // the caller gave up (timeout) and closed the connection
        }
    }

    /**
     * A simulated timeout ({@link KafkaParticipantRunner.NoReply}) holds the request's thread until the caller's
     * timeout closed the connection; the RETRY answered after that reaches no one.
     */
    private static CommandHandler holdingSilence(CommandHandler shop) {
        return (ctx, input) -> shop.handle(ctx, input).exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (!(cause instanceof KafkaParticipantRunner.NoReply)) {
                return CompletableFuture.failedStage(e);
            }
            try {
                TimeUnit.SECONDS.sleep(HOLD_SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedStage(new CommandResult.Retry("no answer in time (simulated)"));
        });
    }

    /**
     * The reliable-message sample on the same port: the order service's check-back at {@code GET /orders/tx-status},
     * {@code POST /shop/orders/{orderId}/pay {"customer", "amount"}} and {@code GET /shop/loyalty/{customer}}.
     */
    void mountLoyalty(Loyalty loyalty) {
        server.createContext("/orders/tx-status", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                String id = query == null ? null : java.util.Arrays.stream(query.split("&"))
                        .filter(p -> p.startsWith("messageId=")).map(p -> java.net.URLDecoder.decode(
                                p.substring("messageId=".length()), java.nio.charset.StandardCharsets.UTF_8))
                        .findFirst().orElse(null);
                var answer = loyalty.checkBack().http(id);
                send(exchange, answer.status(), answer.contentType(), answer.body());
            }
        });
        server.createContext("/shop/orders/", exchange -> {
            try (exchange) {
                String[] parts = exchange.getRequestURI().getPath().split("/");   // "", shop, orders, {id}, pay
                if (!"POST".equals(exchange.getRequestMethod()) || parts.length != 5 || !"pay".equals(parts[4])) {
                    send(exchange, 404, "text/plain", "POST /shop/orders/{orderId}/pay".getBytes());
                    return;
                }
                var body = JSON.readTree(exchange.getRequestBody().readAllBytes());
                try {
                    String messageId = loyalty.pay(parts[3], body.path("customer").asText("anonymous"),
                            body.path("amount").asInt());
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode()
                            .put("orderId", parts[3]).put("messageId", messageId)));
                } catch (Exception e) {
                    send(exchange, 409, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode()
                            .put("error", String.valueOf(e.getMessage()))));
                }
            }
        });
        server.createContext("/shop/loyalty/", exchange -> {
            try (exchange) {
                String customer = exchange.getRequestURI().getPath().substring("/shop/loyalty/".length());
                try {
                    send(exchange, 200, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode()
                            .put("customer", customer).put("points", loyalty.points(customer))));
                } catch (java.sql.SQLException e) {
                    send(exchange, 503, "text/plain", String.valueOf(e.getMessage()).getBytes());
                }
            }
        });
    }

    /** The notification sample's receiver: {@code POST /merchant/notify}, and what it got at {@code GET /merchant/calls}. */
    void mountMerchant(Merchant merchant) {
        server.createContext("/merchant/notify", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                try {
                    status = merchant.receive(body, exchange.getRequestHeaders().getFirst("Sagaflow-Signature"));
                } catch (Exception e) {
                    status = 400;
                }
                send(exchange, status, "text/plain", new byte[0]);
            }
        });
        server.createContext("/merchant/calls", exchange -> {
            try (exchange) {
                send(exchange, 200, "application/json",
                        JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(merchant.calls()));
            }
        });
    }

    private void journal(HttpExchange exchange) throws IOException {
        try (exchange) {
            send(exchange, 200, "application/json",
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(shop.journal()));
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
