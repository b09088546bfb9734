package io.sagaflow.engine.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.dsl.FlowParser;
import io.sagaflow.dsl.model.SagaFlow;
import io.sagaflow.engine.saga.EventCodec;
import io.sagaflow.engine.saga.SagaDecider;
import io.sagaflow.engine.saga.SagaDecision;
import io.sagaflow.engine.saga.SagaEvent;
import io.sagaflow.engine.saga.SagaInput;
import io.sagaflow.engine.saga.SagaState;
import io.sagaflow.wire.ReplyOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure core on the hot path of one reply (issue 13; run with {@code bash bench/jmh.sh}): deciding what a reply
 * does, applying the decision's events, replaying a whole history (what a state-cache miss costs), and the event
 * codec, for a saga of 3 and of 50 sequential steps, measured at its last step. A reply's cost should not grow with the
 * number of steps behind it; a replay's does, by design (the cache avoids it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SagaCoreBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Param({"3", "50"})
    int steps;

    private SagaFlow flow;
    private SagaState atLastStep;
    private SagaInput.Reply lastReply;
    private List<SagaEvent> lastEvents;
    private List<SagaEvent> history;
    private EventCodec codec;
    private SagaEvent succeeded;
    private String succeededJson;

    @Setup
    public void reachTheLastStep() throws Exception {
        flow = (SagaFlow) new FlowParser().parse(yaml(steps)).document().orElseThrow();
        codec = new EventCodec(JSON);
        UUID id = UUID.fromString("00000000-0000-0000-0000-000000000001");
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        JsonNode output = JSON.readTree("{\"reservation\":\"r-1\",\"amount\":42}");
        history = new ArrayList<>();
        SagaState state = SagaState.empty(id);
        state = fold(state, SagaDecider.decide(flow, state, new SagaInput.Start(id, JSON.readTree("{\"orderId\":\"o-1\"}"), now)));
        for (int i = 1; i < steps; i++) {
            state = fold(state, SagaDecider.decide(flow, state, reply(state, "s" + i, output, now)));
        }
        atLastStep = state;
        lastReply = reply(state, "s" + steps, output, now);
        lastEvents = SagaDecider.decide(flow, atLastStep, lastReply).events();
        succeeded = new SagaEvent.StepSucceeded("s1", output);
        succeededJson = codec.encode(succeeded);
    }

    private SagaState fold(SagaState state, SagaDecision decision) {
        for (SagaEvent e : decision.events()) {
            state = state.apply(e);
            history.add(e);
        }
        return state;
    }

    private static SagaInput.Reply reply(SagaState state, String step, JsonNode output, Instant now) {
        UUID messageId = state.step(step).inFlight().orElseThrow();
        return new SagaInput.Reply(messageId, step, state.messages().get(messageId).kind(), ReplyOutcome.SUCCESS,
                output, now);
    }

    private static String yaml(int steps) {
        StringBuilder y = new StringBuilder("""
                apiVersion: sagaflow.io/v1
                kind: Saga
                metadata: { name: bench-%d, version: 1 }
                spec:
                  participants:
                    p: { kafka: { topic: bench.commands } }
                  steps:
                """.formatted(steps));
        for (int i = 1; i <= steps; i++) {
            y.append("    - { name: s").append(i).append(", participant: p, action: act, compensation: undo }\n");
        }
        return y.toString();
    }

    /** What the reply consumer decides for one reply (no I/O). */
    @Benchmark
    public SagaDecision decideAReply() {
        return SagaDecider.decide(flow, atLastStep, lastReply);
    }

    /** Folding that decision's events into the state (what is cached after the commit). */
    @Benchmark
    public SagaState applyItsEvents() {
        SagaState s = atLastStep;
        for (SagaEvent e : lastEvents) {
            s = s.apply(e);
        }
        return s;
    }

    /** The state of a saga from its whole history: the cost of a state-cache miss. */
    @Benchmark
    public SagaState replayTheHistory() {
        SagaState s = SagaState.empty(atLastStep.id());
        for (SagaEvent e : history) {
            s = s.apply(e);
        }
        return s;
    }

    /** One event to the JSON stored in saga_event. */
    @Benchmark
    public String encodeAnEvent() {
        return codec.encode(succeeded);
    }

    /** One stored event back (a replay decodes each). */
    @Benchmark
    public SagaEvent decodeAnEvent() {
        return codec.decode("StepSucceeded", succeededJson);
    }
}
