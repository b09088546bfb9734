package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sagaflow.participant.internal.BarrierRules;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The barrier's guarantees, run against the real PostgreSQL by each flavour (JDBC, reactive). Every run of a
 * business method writes a row to {@code ledger} in the barrier's transaction, so the table shows which effects
 * were committed, and {@link #calls} how often a method ran.
 */
abstract class BarrierContract {

    /** What the business method does on its next run. */
    enum Behaviour { SUCCEED, REFUSE, CRASH }

    protected TestDatabase db;
    protected final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final String sagaId = UUID.randomUUID().toString();

    /** Runs one command under the flavour's barrier; the method calls {@link #effect} and then behaves. */
    protected abstract Outcome run(CommandContext ctx, Behaviour behaviour) throws Exception;

    protected abstract void openFlavour();

    protected abstract void closeFlavour() throws Exception;

    @BeforeEach
    void createDatabase() throws Exception {
        db = new TestDatabase();
        try (Connection c = db.connect()) {
            Barrier.createTable(c);
        }
        db.execute("CREATE TABLE ledger (saga_id text, op text)");
        openFlavour();
    }

    @AfterEach
    void dropDatabase() throws Exception {
        closeFlavour();
        db.close();
    }

    /** The SQL of a business effect; the flavour runs it in the barrier's transaction. */
    protected static String effectSql(CommandContext ctx) {
        return "INSERT INTO ledger VALUES ('" + ctx.sagaId() + "', '" + ctx.kind().wire() + "')";
    }

    /** Counts the run and returns the output of a successful one (or throws the behaviour's exception). */
    protected JsonNode outcomeOf(CommandContext ctx, Behaviour behaviour) {
        int n = calls.computeIfAbsent(ctx.kind().wire(), k -> new AtomicInteger()).incrementAndGet();
        if (behaviour == Behaviour.REFUSE) {
            throw new BusinessFailure("insufficient-funds", "balance too low");
        }
        if (behaviour == Behaviour.CRASH) {
            throw new IllegalStateException("connection to the card processor lost");
        }
        return JsonNodeFactory.instance.objectNode().put("run", n).put("op", ctx.kind().wire());
    }

    private CommandContext ctx(Kind kind) {
        return ctx(kind, "");
    }

    private CommandContext ctx(Kind kind, String runSuffix) {
        return new CommandContext(sagaId, "charge-card", kind, "charge", UUID.randomUUID().toString(),
                sagaId + ":charge-card:" + kind.wire() + runSuffix);
    }

    private long ledger(Kind kind) {
        return db.count("SELECT count(*) FROM ledger WHERE op = '" + kind.wire() + "'");
    }

    private int callsOf(Kind kind) {
        return calls.getOrDefault(kind.wire(), new AtomicInteger()).get();
    }

    @Test
    void duplicateActionGetsTheFirstOutcomeAndTheMethodRunsOnce() throws Exception {
        Outcome first = run(ctx(Kind.ACTION), Behaviour.SUCCEED);
        Outcome second = run(ctx(Kind.ACTION), Behaviour.SUCCEED);

        assertThat(first).isInstanceOf(Outcome.Success.class);
        assertThat(second).isEqualTo(first);
        assertThat(callsOf(Kind.ACTION)).isEqualTo(1);
        assertThat(ledger(Kind.ACTION)).isEqualTo(1);
    }

    @Test
    void tenConcurrentDuplicatesRunTheMethodOnceAndAllGetTheSameOutcome() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Callable<Outcome> duplicate = () -> {
                    start.await();
                    return run(ctx(Kind.ACTION), Behaviour.SUCCEED);
                };
                answers.add(pool.submit(duplicate));
            }
            start.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> answer : answers) {
                outcomes.add(answer.get());
            }
            assertThat(outcomes).allSatisfy(o -> assertThat(o).isEqualTo(outcomes.get(0)));
            assertThat(outcomes.get(0)).isInstanceOf(Outcome.Success.class);
            assertThat(callsOf(Kind.ACTION)).isEqualTo(1);
            assertThat(ledger(Kind.ACTION)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelBeforeTryIsANoOpSuccessAndTheLateTryIsBlocked() throws Exception {
        Outcome cancel = run(ctx(Kind.CANCEL), Behaviour.SUCCEED);
        Outcome lateTry = run(ctx(Kind.TRY), Behaviour.SUCCEED);

        assertThat(cancel).isInstanceOf(Outcome.Success.class);
        assertThat(lateTry).isInstanceOfSatisfying(Outcome.Failure.class,
                f -> assertThat(f.code()).isEqualTo(BarrierRules.CANCELLED_BEFORE_ACTION));
        assertThat(callsOf(Kind.CANCEL)).isZero();
        assertThat(callsOf(Kind.TRY)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }

    @Test
    void tryAfterCancelKeepsBeingRefusedOnEveryRedelivery() throws Exception {
        run(ctx(Kind.CANCEL), Behaviour.SUCCEED);
        Outcome first = run(ctx(Kind.TRY), Behaviour.SUCCEED);
        Outcome again = run(ctx(Kind.TRY), Behaviour.SUCCEED);

        assertThat(again).isEqualTo(first);
        assertThat(callsOf(Kind.TRY)).isZero();
    }

    @Test
    void compensationWithoutActionIsAnEmptySuccessAndBlocksTheLateAction() throws Exception {
        Outcome compensation = run(ctx(Kind.COMPENSATION), Behaviour.SUCCEED);
        Outcome duplicate = run(ctx(Kind.COMPENSATION), Behaviour.SUCCEED);
        Outcome lateAction = run(ctx(Kind.ACTION), Behaviour.SUCCEED);

        assertThat(compensation).isInstanceOf(Outcome.Success.class);
        assertThat(duplicate).isEqualTo(compensation);
        assertThat(lateAction).isInstanceOf(Outcome.Failure.class);
        assertThat(callsOf(Kind.COMPENSATION) + callsOf(Kind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }

    @Test
    void compensationAfterItsActionRunsOnceAndDuplicatesReplayIt() throws Exception {
        run(ctx(Kind.ACTION), Behaviour.SUCCEED);
        Outcome compensation = run(ctx(Kind.COMPENSATION), Behaviour.SUCCEED);
        Outcome duplicate = run(ctx(Kind.COMPENSATION), Behaviour.SUCCEED);

        assertThat(compensation).isInstanceOf(Outcome.Success.class);
        assertThat(duplicate).isEqualTo(compensation);
        assertThat(callsOf(Kind.COMPENSATION)).isEqualTo(1);
        assertThat(ledger(Kind.COMPENSATION)).isEqualTo(1);
    }

    @Test
    void confirmIsDedupedLikeAnAction() throws Exception {
        run(ctx(Kind.TRY), Behaviour.SUCCEED);
        Outcome confirm = run(ctx(Kind.CONFIRM), Behaviour.SUCCEED);
        assertThat(run(ctx(Kind.CONFIRM), Behaviour.SUCCEED)).isEqualTo(confirm);
        assertThat(callsOf(Kind.CONFIRM)).isEqualTo(1);
    }

    @Test
    void businessFailureRollsBackTheChangeAndIsReplayedToDuplicates() throws Exception {
        Outcome first = run(ctx(Kind.ACTION), Behaviour.REFUSE);
        Outcome duplicate = run(ctx(Kind.ACTION), Behaviour.SUCCEED);

        assertThat(first).isEqualTo(new Outcome.Failure("insufficient-funds", "balance too low"));
        assertThat(duplicate).isEqualTo(first);
        assertThat(callsOf(Kind.ACTION)).isEqualTo(1);
        assertThat(ledger(Kind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM sagaflow_barrier WHERE op = 'action' AND outcome = 'FAILURE'"))
                .isEqualTo(1);
    }

    @Test
    void unexpectedExceptionAnswersRetryLeavesNothingBehindAndTheRetryRunsAgain() throws Exception {
        Outcome crashed = run(ctx(Kind.ACTION), Behaviour.CRASH);

        assertThat(crashed).isInstanceOf(Outcome.Retry.class);
        assertThat(ledger(Kind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM sagaflow_barrier")).isZero();

        Outcome retried = run(ctx(Kind.ACTION), Behaviour.SUCCEED);
        assertThat(retried).isInstanceOf(Outcome.Success.class);
        assertThat(callsOf(Kind.ACTION)).isEqualTo(2);
        assertThat(ledger(Kind.ACTION)).isEqualTo(1);
    }

    @Test
    void operatorReRunIsANewOperationAndRunsTheMethodAgain() throws Exception {
        Outcome first = run(ctx(Kind.ACTION), Behaviour.REFUSE);
        Outcome rerun = run(ctx(Kind.ACTION, ":2"), Behaviour.SUCCEED);

        assertThat(first).isInstanceOf(Outcome.Failure.class);
        assertThat(rerun).isInstanceOf(Outcome.Success.class);
        assertThat(callsOf(Kind.ACTION)).isEqualTo(2);
    }

    @Test
    void reRunOfARefusedCompensationRunsAgainAndTakesEffect() throws Exception {
        run(ctx(Kind.ACTION), Behaviour.SUCCEED);
        Outcome refused = run(ctx(Kind.COMPENSATION), Behaviour.REFUSE);
        Outcome rerun = run(ctx(Kind.COMPENSATION, ":2"), Behaviour.SUCCEED);
        Outcome duplicate = run(ctx(Kind.COMPENSATION, ":2"), Behaviour.SUCCEED);

        assertThat(refused).isInstanceOf(Outcome.Failure.class);
        assertThat(rerun).isInstanceOf(Outcome.Success.class);
        assertThat(duplicate).isEqualTo(rerun);
        assertThat(callsOf(Kind.COMPENSATION)).isEqualTo(2);
        assertThat(ledger(Kind.COMPENSATION)).isEqualTo(1);
    }

    @Test
    void reRunOfACompensationWhoseActionNeverRanStaysEmpty() throws Exception {
        run(ctx(Kind.COMPENSATION), Behaviour.SUCCEED);
        Outcome rerun = run(ctx(Kind.COMPENSATION, ":2"), Behaviour.SUCCEED);
        Outcome lateAction = run(ctx(Kind.ACTION), Behaviour.SUCCEED);

        assertThat(rerun).isInstanceOf(Outcome.Success.class);
        assertThat(lateAction).isInstanceOf(Outcome.Failure.class);
        assertThat(callsOf(Kind.COMPENSATION)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }
}
