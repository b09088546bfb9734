package io.sagaflow.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireTest {

    @Test
    void commandKindsAreSpelledAsSpecFiveSaysThem() {
        assertEquals("action", CommandKind.ACTION.wire());
        assertEquals("compensation", CommandKind.COMPENSATION.wire());
        assertEquals("try", CommandKind.TRY.wire());
        assertEquals("confirm", CommandKind.CONFIRM.wire());
        assertEquals("cancel", CommandKind.CANCEL.wire());
    }

    @ParameterizedTest
    @EnumSource(CommandKind.class)
    void everyCommandKindReadsBackFromItsWireSpelling(CommandKind kind) {
        assertEquals(kind, CommandKind.parse(kind.wire()));
        assertEquals(Optional.of(kind), CommandKind.fromWire(kind.wire()));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "refund", "Compensation", "ACTION", " action", "action "})
    void aCommandKindOutsideTheSpecIsRejectedWithTheAllowedSpellings(String wire) {
        assertEquals(Optional.empty(), CommandKind.fromWire(wire));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandKind.parse(wire));
        assertTrue(e.getMessage().contains("action, compensation, try, confirm, cancel"), e.getMessage());
    }

    @Test
    void onlyActionAndTryMoveTheSagaForward() {
        assertTrue(CommandKind.ACTION.forward());
        assertTrue(CommandKind.TRY.forward());
        assertFalse(CommandKind.COMPENSATION.forward());
        assertFalse(CommandKind.CONFIRM.forward());
        assertFalse(CommandKind.CANCEL.forward());
    }

    @Test
    void anUndoNamesTheOperationItUndoes() {
        assertEquals(Optional.of(CommandKind.ACTION), CommandKind.COMPENSATION.origin());
        assertEquals(Optional.of(CommandKind.TRY), CommandKind.CANCEL.origin());
        assertEquals(Optional.empty(), CommandKind.ACTION.origin());
        assertEquals(Optional.empty(), CommandKind.CONFIRM.origin());
    }

    @ParameterizedTest
    @EnumSource(ReplyOutcome.class)
    void everyReplyOutcomeReadsBackFromItsWireSpelling(ReplyOutcome outcome) {
        assertEquals(outcome.name(), outcome.wire());
        assertEquals(outcome, ReplyOutcome.parse(outcome.wire()));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "success", "OK", "FAILED", "RETRY ", "deferred"})
    void aReplyOutcomeOutsideTheSpecIsRejected(String wire) {
        assertEquals(Optional.empty(), ReplyOutcome.fromWire(wire));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReplyOutcome.parse(wire));
        assertTrue(e.getMessage().contains("SUCCESS, FAILURE, RETRY, DEFERRED"), e.getMessage());
    }

    @Test
    void theFirstRunsKeyHasNoSuffixAndAReRunAppendsItsNumber() {
        assertEquals("s-1:charge:action", StepIdempotencyKey.of("s-1", "charge", CommandKind.ACTION, 1));
        assertEquals("s-1:charge:compensation:2", StepIdempotencyKey.of("s-1", "charge", CommandKind.COMPENSATION, 2));
        assertEquals("s-1:charge:cancel:13", StepIdempotencyKey.of("s-1", "charge", CommandKind.CANCEL, 13));
    }

    @Test
    void aRunBelowOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepIdempotencyKey.of("s-1", "charge", CommandKind.ACTION, 0));
        assertEquals("run must be >= 1, was 0", e.getMessage());
    }

    @Test
    void theRunSuffixOfAReRunsKeyReadsBack() {
        String key = StepIdempotencyKey.of("s-1", "charge", CommandKind.COMPENSATION, 3);
        assertEquals(Optional.of("3"), StepIdempotencyKey.runSuffix(key, "s-1", "charge", CommandKind.COMPENSATION));
    }

    @Test
    void aFirstRunsKeyOrAKeyOfAnotherCommandHasNoRunSuffix() {
        String first = StepIdempotencyKey.of("s-1", "charge", CommandKind.COMPENSATION, 1);
        assertEquals(Optional.empty(), StepIdempotencyKey.runSuffix(first, "s-1", "charge", CommandKind.COMPENSATION));
        assertEquals(Optional.empty(),
                StepIdempotencyKey.runSuffix("s-1:charge:action:2", "s-1", "charge", CommandKind.COMPENSATION));
        assertEquals(Optional.empty(),
                StepIdempotencyKey.runSuffix("s-1:charge:compensation:x", "s-1", "charge", CommandKind.COMPENSATION));
        assertEquals(Optional.empty(), StepIdempotencyKey.runSuffix(null, "s-1", "charge", CommandKind.COMPENSATION));
    }

    @Test
    void theHttpAndKafkaNamesAreThoseOfSpecFive() {
        assertEquals("Sagaflow-Message-Id", HttpHeader.MESSAGE_ID);
        assertEquals("Idempotency-Key", HttpHeader.IDEMPOTENCY_KEY);
        assertEquals("sagaflow-message-id", KafkaHeader.MESSAGE_ID);
        assertEquals("sagaflow-outcome", KafkaHeader.OUTCOME);
        assertEquals("sagaflow.replies", KafkaHeader.DEFAULT_REPLY_TOPIC);
    }
}
