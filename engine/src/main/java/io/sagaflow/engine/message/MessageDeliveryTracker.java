package io.sagaflow.engine.message;

import io.sagaflow.connectors.outbox.PublishedListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Marks committed messages DELIVERED once Kafka acknowledged them: the relay tells it, batch by batch, before it
 * commits its offsets. A crash in between leaves the messages COMMITTED and the relay publishes them again (the
 * consumers dedupe on {@code sagaflow-message-id}) and tells again.
 */
@ApplicationScoped
public class MessageDeliveryTracker implements PublishedListener {

    /** The relay's thread waits for this at most; a failure makes the relay retry the batch's news. */
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static final Logger LOG = Logger.getLogger(MessageDeliveryTracker.class);

    private final MessageStore store;

    public MessageDeliveryTracker(MessageStore store) {
        this.store = store;
    }

    @Override
    public void published(List<Published> records) {
        List<UUID> messages = new ArrayList<>();
        for (Published p : records) {
            if (MessageStore.KIND.equals(p.kind())) {
                try {
                    messages.add(UUID.fromString(p.id()));
                } catch (IllegalArgumentException e) {
                    // Not one of ours (the engine writes UUIDs): throwing would make the relay retry it forever.
                    LOG.warnf("ignoring a published record of kind message whose id is not a UUID: %s", p.id());
                }
            }
        }
        if (!messages.isEmpty()) {
            store.markDelivered(messages).await().atMost(LIMIT);
        }
    }
}
