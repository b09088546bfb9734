package io.sagaflow.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.sagaflow.connectors.kafka.KafkaClients;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A node asks the broker how many partitions a topic has right after creating it (reply topic, HTTP-connector
 * topic). On a fresh broker the answer can be "unknown topic" for a moment; the engine failed to start on that
 * once (a bench run on a new machine). It must wait for the topic instead.
 */
@QuarkusTest
@QuarkusTestResource(SagaflowStack.class)
class KafkaTopicsIT {

    @Inject
    KafkaClients kafka;

    @Test
    void partitionsWaitsForATopicThatAppearsAMomentLater() throws Exception {
        String topic = "late-" + UUID.randomUUID();
        CompletableFuture<Void> created = CompletableFuture.runAsync(() -> {
            TestInfra.sleep(1_500);
            try (Admin admin = admin()) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(kafka.partitions(topic)).isEqualTo(3);
        created.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aTopicThatNeverAppearsIsStillAnError() {
        // Not waited for forever: after the wait the caller (a node starting) fails with the topic's name.
        assertThatThrownBy(() -> kafka.partitions("never-" + UUID.randomUUID()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot describe topic never-");
    }

    private static Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        return Admin.create(p);
    }
}
