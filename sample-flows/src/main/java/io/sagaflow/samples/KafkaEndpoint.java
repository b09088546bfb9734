package io.sagaflow.samples;

import io.sagaflow.participant.KafkaParticipantRunner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Kafka participants (SPEC §5): one SDK {@link KafkaParticipantRunner} per command topic, all in one consumer
 * group. The runner decodes the commands, replies on {@code sagaflow-reply-to} and commits a poll's offsets only
 * after its replies were acknowledged; a simulated timeout is consumed without a reply.
 */
final class KafkaEndpoint implements AutoCloseable {

    private final List<KafkaParticipantRunner> runners = new ArrayList<>();

    KafkaEndpoint(Shop shop, String bootstrap, String groupId, Map<String, String> participantByTopic) {
        participantByTopic.forEach((topic, participant) -> runners.add(new KafkaParticipantRunner(
                shop.participant(participant), new KafkaParticipantRunner.Options(bootstrap, topic, groupId))));
    }

    void start() {
        runners.forEach(KafkaParticipantRunner::start);
    }

    @Override
    public void close() throws InterruptedException {
        for (KafkaParticipantRunner runner : runners) {
            runner.close();
        }
    }
}
