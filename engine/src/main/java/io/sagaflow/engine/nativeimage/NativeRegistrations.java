package io.sagaflow.engine.nativeimage;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.sagaflow.engine.deadletter.DeadLetter;
import io.sagaflow.engine.message.Actor;
import io.sagaflow.engine.message.CheckAnswer;
import io.sagaflow.engine.message.MessageEvent;
import io.sagaflow.engine.saga.SagaEvent;

/**
 * What a native image must keep for reflection beyond what Quarkus finds itself (REST parameter and return types):
 * the types our own {@code ObjectMapper} writes and reads — the events stored in {@code saga_event} and
 * {@code message_event}, and the dead letter mirrored to Kafka. (An operator's request body, read by hand, is
 * registered where it is declared, in {@code api}.) A type added to one of these sealed families and missing here
 * fails {@code NativeSourcesIT}, run by the native build step of {@code scripts/test.sh}, which compares this list
 * with the families' permitted subclasses.
 */
@RegisterForReflection(targets = {
        SagaEvent.SagaStarted.class, SagaEvent.StepAttemptStarted.class, SagaEvent.StepAttemptFailed.class,
        SagaEvent.StepAttemptDeferred.class,
        SagaEvent.StepSucceeded.class, SagaEvent.StepFailed.class, SagaEvent.AbortRequested.class,
        SagaEvent.CompensationStarted.class, SagaEvent.StepCompensated.class, SagaEvent.StepCancelled.class,
        SagaEvent.ConfirmationStarted.class, SagaEvent.StepConfirmed.class, SagaEvent.SettlementFailed.class,
        SagaEvent.StepSkipped.class, SagaEvent.SagaResumed.class, SagaEvent.SagaCompleted.class,
        SagaEvent.SagaCompensated.class, SagaEvent.SagaFailed.class, SagaEvent.ReplyIgnored.class,
        MessageEvent.MessagePrepared.class, MessageEvent.MessageCommitted.class, MessageEvent.MessageRolledBack.class,
        MessageEvent.CheckBackAnswered.class, MessageEvent.MessageUndecided.class, MessageEvent.MessageDelivered.class,
        MessageEvent.DeliveryFailed.class, MessageEvent.MessageRepublished.class,
        Actor.class, CheckAnswer.class,
        DeadLetter.class, DeadLetter.Redrive.class})
public final class NativeRegistrations {

    private NativeRegistrations() {
    }
}
