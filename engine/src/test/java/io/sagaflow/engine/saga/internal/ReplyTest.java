package io.sagaflow.engine.saga.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.wire.CommandKind;
import io.sagaflow.wire.KafkaHeader;
import io.sagaflow.wire.ReplyOutcome;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ReplyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final UUID saga = UUID.randomUUID();
    private final UUID message = UUID.randomUUID();

    private Map<String, String> headers() {
        Map<String, String> h = new HashMap<>();
        h.put(KafkaHeader.SAGA_ID, saga.toString());
        h.put(KafkaHeader.MESSAGE_ID, message.toString());
        h.put(KafkaHeader.STEP, "charge");
        h.put(KafkaHeader.KIND, "compensation");
        h.put(KafkaHeader.OUTCOME, "FAILURE");
        return h;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryHeaderOfSpecSection5AndTheValueAsJson() {
        Reply r = Reply.parse(headers(), bytes("{\"code\":\"card-declined\",\"message\":\"no\"}"), JSON);

        assertThat(r.sagaId()).isEqualTo(saga);
        assertThat(r.messageId()).isEqualTo(message);
        assertThat(r.step()).isEqualTo("charge");
        assertThat(r.kind()).isEqualTo(CommandKind.COMPENSATION);
        assertThat(r.outcome()).isEqualTo(ReplyOutcome.FAILURE);
        assertThat(r.body().get("code").asText()).isEqualTo("card-declined");
    }

    @Test
    void anEmptyValueIsJsonNullAndTheKindIsReadInAnyCase() {
        Map<String, String> h = headers();
        h.put(KafkaHeader.KIND, "Action");

        Reply r = Reply.parse(h, new byte[0], JSON);

        assertThat(r.body().isNull()).isTrue();
        assertThat(r.kind()).isEqualTo(CommandKind.ACTION);
        assertThat(Reply.parse(headers(), null, JSON).body().isNull()).isTrue();
    }

    @Test
    void eachMissingHeaderIsNamed() {
        for (String name : new String[] {KafkaHeader.SAGA_ID, KafkaHeader.MESSAGE_ID, KafkaHeader.STEP,
                KafkaHeader.KIND, KafkaHeader.OUTCOME}) {
            Map<String, String> h = headers();
            h.remove(name);
            assertThatThrownBy(() -> Reply.parse(h, bytes("{}"), JSON))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("header " + name + " is missing");
        }
    }

    @Test
    void malformedValuesAreRefusedWithWhatIsWrong() {
        Map<String, String> badId = headers();
        badId.put(KafkaHeader.SAGA_ID, "saga-1");
        assertThatThrownBy(() -> Reply.parse(badId, bytes("{}"), JSON)).hasMessageContaining("must be a UUID");

        Map<String, String> badOutcome = headers();
        badOutcome.put(KafkaHeader.OUTCOME, "MAYBE");
        assertThatThrownBy(() -> Reply.parse(badOutcome, bytes("{}"), JSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MAYBE");

        assertThatThrownBy(() -> Reply.parse(headers(), bytes("{not json"), JSON))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the value is not JSON");
    }

    @Test
    void theSagaInputCarriesTheReplyAndTheTimeOfItsTransaction() {
        Reply r = Reply.parse(headers(), bytes("{}"), JSON);
        var input = (io.sagaflow.engine.saga.SagaInput.Reply) r.input(java.time.Instant.EPOCH);
        assertThat(input.messageId()).isEqualTo(message);
        assertThat(input.outcome()).isEqualTo(ReplyOutcome.FAILURE);
        assertThat(input.now()).isEqualTo(java.time.Instant.EPOCH);
    }
}
