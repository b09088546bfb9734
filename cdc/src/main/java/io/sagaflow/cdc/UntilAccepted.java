package io.sagaflow.cdc;

import io.sagaflow.loops.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Retries handing a batch to a sink until it accepts it: a sink that is down (Kafka, Redis, a listener's database) is
 * never a reason to skip a change, so the position waits. Gives up only when {@code keepTrying} turns false (the
 * runner is stopping), by throwing {@link InterruptedException} so the position is not moved.
 *
 * @param backoff         delay between attempts
 * @param keepTrying      false once the owner stops
 * @param stoppingMessage the message of the InterruptedException thrown then
 */
public record UntilAccepted(Backoff backoff, BooleanSupplier keepTrying, String stoppingMessage) {

    /** One attempt to hand the batch over; returns when the sink accepted it. */
    @FunctionalInterface
    public interface Attempt {
        void run() throws Exception;
    }

    /** Told about each failed attempt before the wait. */
    @FunctionalInterface
    public interface OnFailure {
        void failed(Exception error, Duration retryIn);
    }

    /** All required. */
    public UntilAccepted {
        Objects.requireNonNull(backoff, "backoff must not be null");
        Objects.requireNonNull(keepTrying, "keepTrying must not be null");
        CdcConfig.required(stoppingMessage, "stoppingMessage");
    }

    /** Runs {@code attempt} until it returns normally. */
    public void run(Attempt attempt, OnFailure onFailure) throws InterruptedException {
        for (int failures = 1; ; failures++) {
            try {
                attempt.run();
                return;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (!keepTrying.getAsBoolean()) {
                    throw new InterruptedException(stoppingMessage);
                }
                Duration wait = backoff.delay(failures);
                onFailure.failed(e, wait);
                Thread.sleep(wait.toMillis());
            }
        }
    }
}
