package io.sagaflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

    @Test
    void everyKafkaPropertyAndEnvironmentVariableReachesTheClientsTheDottedNameWinning() {
        Map<String, String> config = Map.of(
                "kafka.security.protocol", "SASL_SSL",
                "kafka.ssl.truststore.location", "/etc/sagaflow/kafka-trust.p12",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                "KAFKA_SECURITY_PROTOCOL", "SSL",
                "kafka.bootstrap.servers", "broker:9092",
                "sagaflow.kafka.partitions", "6",
                "Kafka_mixed_case", "not an environment variable of ours");
        Map<String, String> settings = KafkaClients.clientSettings(config.keySet(), name -> Optional.ofNullable(config.get(name)));
        assertThat(settings).containsExactlyInAnyOrderEntriesOf(Map.of(
                "security.protocol", "SASL_SSL",
                "ssl.truststore.location", "/etc/sagaflow/kafka-trust.p12",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;"));
    }

    @Test
    void noSettingsNoExtras() {
        assertThat(KafkaClients.clientSettings(List.of("quarkus.http.port"), name -> Optional.of("8080"))).isEmpty();
    }
}
