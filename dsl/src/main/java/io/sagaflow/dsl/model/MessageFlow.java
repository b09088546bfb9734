package io.sagaflow.dsl.model;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * A {@code kind: Message} document (SPEC §3.2): a reliable two-phase message. A producer prepares a message, runs
 * its local transaction, then commits or rolls the message back; committed messages are delivered to
 * {@code topic}.
 *
 * @param topic     the Kafka topic committed messages are published to
 * @param checkBack how the engine asks the producer about a message left prepared
 * @param delivery  how consumers built on the participant SDK retry a message before reporting it dead
 */
public record MessageFlow(FlowId id, String topic, CheckBack checkBack, Delivery delivery) implements FlowDocument {

    public MessageFlow {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(checkBack, "checkBack");
        Objects.requireNonNull(delivery, "delivery");
    }

    @Override
    public Kind kind() {
        return Kind.MESSAGE;
    }

    /**
     * {@code GET {url}?messageId=...} for a message still prepared {@code after} its preparation, then every
     * {@code every}; after {@code maxChecks} answers of UNKNOWN the message is UNDECIDED and waits for an operator.
     */
    public record CheckBack(URI url, Duration after, Duration every, int maxChecks) {

        public static final Duration DEFAULT_AFTER = Duration.ofSeconds(10);
        public static final Duration DEFAULT_EVERY = Duration.ofSeconds(30);
        public static final int DEFAULT_MAX_CHECKS = 20;

        public CheckBack {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(every, "every");
            if (url.getRawQuery() != null || url.getRawFragment() != null) {
                throw new IllegalArgumentException("checkBack.http.url must not have a query or fragment, was " + url);
            }
            if (after.isNegative() || after.isZero()) {
                throw new IllegalArgumentException("checkBack.after must be > 0, was " + after);
            }
            if (every.isNegative() || every.isZero()) {
                throw new IllegalArgumentException("checkBack.every must be > 0, was " + every);
            }
            if (maxChecks < 1) {
                throw new IllegalArgumentException("checkBack.maxChecks must be >= 1, was " + maxChecks);
            }
        }

        /** The URL that asks about one message. */
        public URI uriFor(String messageId) {
            return URI.create(url + "?messageId=" + URLEncoder.encode(messageId, StandardCharsets.UTF_8));
        }
    }

    /** How a consumer retries a committed message before it reports it to the dead-letter store. */
    public record Delivery(RetryPolicy retry) {

        /** Deliveries outlive short outages: 16 attempts, 1 s doubling up to 10 min (about 1 h 40 min in all). */
        public static final Delivery DEFAULT = new Delivery(
                new RetryPolicy(16, Backoff.EXPONENTIAL, Duration.ofSeconds(1), Duration.ofMinutes(10), 0.2));

        public Delivery {
            Objects.requireNonNull(retry, "retry");
        }
    }
}
