package io.sagaflow.engine.message;

import io.sagaflow.engine.internal.PollLoop;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.sagaflow.config.SagaflowConfig;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Asks producers about messages left PREPARED (SPEC §3.2): claims due messages (SKIP LOCKED plus a lease, see
 * {@link MessageStore#claimDueChecks}), calls {@code GET {url}?messageId=} OUTSIDE any transaction, then applies
 * each answer in a new transaction that only acts while the message is still PREPARED (the producer may have
 * decided meanwhile). Any node may run it; a message is checked by one node at a time.
 */
@ApplicationScoped
public class MessageCheckBack {

    private static final Logger LOG = Logger.getLogger(MessageCheckBack.class);
    /** How long to wait before polling again after the database failed. */
    private static final Duration AFTER_FAILURE = Duration.ofSeconds(1);
    /** Upper bound of one claim or apply transaction, so a hung database never hangs the poller for good. */
    private static final Duration DB_LIMIT = Duration.ofSeconds(60);
    private static final int OK_MIN = 200;
    private static final int OK_MAX = 299;

    private final MessageStore store;
    private final SagaflowConfig config;
    private final ObjectMapper json;
    private final HttpClient http;
    private PollLoop loop;

    public MessageCheckBack(MessageStore store, SagaflowConfig config, ObjectMapper json) {
        this.store = store;
        this.config = config;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(config.messages().checkTimeout()).build();
    }

    void onStart(@Observes @Priority(30) StartupEvent event) {
        if (!config.messages().checkBackEnabled()) {
            LOG.info("message check-backs disabled on this node (sagaflow.messages.check-back-enabled=false)");
            return;
        }
        int batch = config.messages().batchSize();
        loop = new PollLoop("sagaflow-message-check-back", batch, config.messages().pollInterval(), AFTER_FAILURE,
                () -> checkDue(batch));
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (loop != null) {
            loop.stop(Duration.ofSeconds(10));
        }
    }

    /** One round: claim, call the producers in parallel, apply each answer. Returns how many were checked. */
    int checkDue(int limit) {
        List<MessageStore.Claim> claims = store.claimDueChecks(limit, config.messages().checkTimeout())
                .await().atMost(DB_LIMIT);
        List<CompletableFuture<MessageInput.Checked>> calls = claims.stream().map(this::ask).toList();
        for (int i = 0; i < claims.size(); i++) {
            MessageStore.Claim claim = claims.get(i);
            MessageInput.Checked answer = calls.get(i).join();
            try {
                store.act(claim.id(), answer).await().atMost(DB_LIMIT);
            } catch (RuntimeException e) {
                // The message stays PREPARED with its lease and is checked again when the lease ends; the answer
                // was not recorded, so it is not counted. The other answers of this round still apply.
                LOG.warnf("applying the check-back answer %s of message %s failed: %s", answer.answer(), claim.id(),
                        e.getMessage());
            }
        }
        return claims.size();
    }

    private CompletableFuture<MessageInput.Checked> ask(MessageStore.Claim claim) {
        HttpRequest request = HttpRequest.newBuilder(claim.flow().checkBack().uriFor(claim.id().toString()))
                .timeout(config.messages().checkTimeout()).header("Accept", "application/json").GET().build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(this::answerOf)
                .exceptionally(e -> noAnswer("check-back call failed: " + rootCause(e)));
    }

    private MessageInput.Checked answerOf(HttpResponse<String> response) {
        if (response.statusCode() < OK_MIN || response.statusCode() > OK_MAX) {
            return noAnswer("check-back answered HTTP " + response.statusCode());
        }
        try {
            JsonNode status = json.readTree(response.body()).path("status");
            CheckAnswer answer = CheckAnswer.valueOf(status.asText());
            if (answer == CheckAnswer.NO_ANSWER) {
                return noAnswer("check-back answered an unknown status NO_ANSWER");
            }
            return new MessageInput.Checked(answer, Optional.empty());
        } catch (java.io.IOException | IllegalArgumentException e) {
            return noAnswer("check-back answer is not {\"status\": \"COMMITTED\" | \"ROLLED_BACK\" | \"UNKNOWN\"}: "
                    + abbreviate(response.body()));
        }
    }

    private static MessageInput.Checked noAnswer(String detail) {
        return new MessageInput.Checked(CheckAnswer.NO_ANSWER, Optional.of(detail));
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String abbreviate(String body) {
        final int max = 200;
        return body == null ? "" : body.length() <= max ? body : body.substring(0, max) + "...";
    }
}
