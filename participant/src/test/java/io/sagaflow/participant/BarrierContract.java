package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.sagaflow.participant.internal.BarrierRules;
import io.sagaflow.wire.CommandKind;
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
    protected abstract CommandResult run(CommandContext ctx, Behaviour behaviour) throws Exception;

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

    private CommandContext ctx(CommandKind kind) {
        return ctx(kind, "");
    }

    private CommandContext ctx(CommandKind kind, String runSuffix) {
        return new CommandContext(sagaId, "charge-card", kind, "charge", UUID.randomUUID().toString(),
                sagaId + ":charge-card:" + kind.wire() + runSuffix);
    }

    private long ledger(CommandKind kind) {
        return db.count("SELECT count(*) FROM ledger WHERE op = '" + kind.wire() + "'");
    }

    private int callsOf(CommandKind kind) {
        return calls.getOrDefault(kind.wire(), new AtomicInteger()).get();
    }

    @Test
    void duplicateActionGetsTheFirstOutcomeAndTheMethodRunsOnce() throws Exception {
        CommandResult first = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);
        CommandResult second = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);

        assertThat(first).isInstanceOf(CommandResult.Success.class);
        assertThat(second).isEqualTo(first);
        assertThat(callsOf(CommandKind.ACTION)).isEqualTo(1);
        assertThat(ledger(CommandKind.ACTION)).isEqualTo(1);
    }

    @Test
    void tenConcurrentDuplicatesRunTheMethodOnceAndAllGetTheSameOutcome() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CommandResult>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Callable<CommandResult> duplicate = () -> {
                    start.await();
                    return run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);
                };
                answers.add(pool.submit(duplicate));
            }
            start.countDown();
            List<CommandResult> outcomes = new ArrayList<>();
            for (Future<CommandResult> answer : answers) {
                outcomes.add(answer.get());
            }
            assertThat(outcomes).allSatisfy(o -> assertThat(o).isEqualTo(outcomes.get(0)));
            assertThat(outcomes.get(0)).isInstanceOf(CommandResult.Success.class);
            assertThat(callsOf(CommandKind.ACTION)).isEqualTo(1);
            assertThat(ledger(CommandKind.ACTION)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancelBeforeTryIsANoOpSuccessAndTheLateTryIsBlocked() throws Exception {
        CommandResult cancel = run(ctx(CommandKind.CANCEL), Behaviour.SUCCEED);
        CommandResult lateTry = run(ctx(CommandKind.TRY), Behaviour.SUCCEED);

        assertThat(cancel).isInstanceOf(CommandResult.Success.class);
        assertThat(lateTry).isInstanceOfSatisfying(CommandResult.Failure.class,
                f -> assertThat(f.code()).isEqualTo(BarrierRules.CANCELLED_BEFORE_ACTION));
        assertThat(callsOf(CommandKind.CANCEL)).isZero();
        assertThat(callsOf(CommandKind.TRY)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }

    @Test
    void tryAfterCancelKeepsBeingRefusedOnEveryRedelivery() throws Exception {
        run(ctx(CommandKind.CANCEL), Behaviour.SUCCEED);
        CommandResult first = run(ctx(CommandKind.TRY), Behaviour.SUCCEED);
        CommandResult again = run(ctx(CommandKind.TRY), Behaviour.SUCCEED);

        assertThat(again).isEqualTo(first);
        assertThat(callsOf(CommandKind.TRY)).isZero();
    }

    @Test
    void compensationWithoutActionIsAnEmptySuccessAndBlocksTheLateAction() throws Exception {
        CommandResult compensation = run(ctx(CommandKind.COMPENSATION), Behaviour.SUCCEED);
        CommandResult duplicate = run(ctx(CommandKind.COMPENSATION), Behaviour.SUCCEED);
        CommandResult lateAction = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);

        assertThat(compensation).isInstanceOf(CommandResult.Success.class);
        assertThat(duplicate).isEqualTo(compensation);
        assertThat(lateAction).isInstanceOf(CommandResult.Failure.class);
        assertThat(callsOf(CommandKind.COMPENSATION) + callsOf(CommandKind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }

    @Test
    void compensationAfterItsActionRunsOnceAndDuplicatesReplayIt() throws Exception {
        run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);
        CommandResult compensation = run(ctx(CommandKind.COMPENSATION), Behaviour.SUCCEED);
        CommandResult duplicate = run(ctx(CommandKind.COMPENSATION), Behaviour.SUCCEED);

        assertThat(compensation).isInstanceOf(CommandResult.Success.class);
        assertThat(duplicate).isEqualTo(compensation);
        assertThat(callsOf(CommandKind.COMPENSATION)).isEqualTo(1);
        assertThat(ledger(CommandKind.COMPENSATION)).isEqualTo(1);
    }

    @Test
    void confirmIsDedupedLikeAnAction() throws Exception {
        run(ctx(CommandKind.TRY), Behaviour.SUCCEED);
        CommandResult confirm = run(ctx(CommandKind.CONFIRM), Behaviour.SUCCEED);
        assertThat(run(ctx(CommandKind.CONFIRM), Behaviour.SUCCEED)).isEqualTo(confirm);
        assertThat(callsOf(CommandKind.CONFIRM)).isEqualTo(1);
    }

    @Test
    void businessFailureRollsBackTheChangeAndIsReplayedToDuplicates() throws Exception {
        CommandResult first = run(ctx(CommandKind.ACTION), Behaviour.REFUSE);
        CommandResult duplicate = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);

        assertThat(first).isEqualTo(new CommandResult.Failure("insufficient-funds", "balance too low"));
        assertThat(duplicate).isEqualTo(first);
        assertThat(callsOf(CommandKind.ACTION)).isEqualTo(1);
        assertThat(ledger(CommandKind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM sagaflow_barrier WHERE op = 'action' AND outcome = 'FAILURE'"))
                .isEqualTo(1);
    }

    @Test
    void unexpectedExceptionAnswersRetryLeavesNothingBehindAndTheRetryRunsAgain() throws Exception {
        CommandResult crashed = run(ctx(CommandKind.ACTION), Behaviour.CRASH);

        assertThat(crashed).isInstanceOf(CommandResult.Retry.class);
        assertThat(ledger(CommandKind.ACTION)).isZero();
        assertThat(db.count("SELECT count(*) FROM sagaflow_barrier")).isZero();

        CommandResult retried = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);
        assertThat(retried).isInstanceOf(CommandResult.Success.class);
        assertThat(callsOf(CommandKind.ACTION)).isEqualTo(2);
        assertThat(ledger(CommandKind.ACTION)).isEqualTo(1);
    }

    @Test
    void operatorReRunIsANewOperationAndRunsTheMethodAgain() throws Exception {
        CommandResult first = run(ctx(CommandKind.ACTION), Behaviour.REFUSE);
        CommandResult rerun = run(ctx(CommandKind.ACTION, ":2"), Behaviour.SUCCEED);

        assertThat(first).isInstanceOf(CommandResult.Failure.class);
        assertThat(rerun).isInstanceOf(CommandResult.Success.class);
        assertThat(callsOf(CommandKind.ACTION)).isEqualTo(2);
    }

    @Test
    void reRunOfARefusedCompensationRunsAgainAndTakesEffect() throws Exception {
        run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);
        CommandResult refused = run(ctx(CommandKind.COMPENSATION), Behaviour.REFUSE);
        CommandResult rerun = run(ctx(CommandKind.COMPENSATION, ":2"), Behaviour.SUCCEED);
        CommandResult duplicate = run(ctx(CommandKind.COMPENSATION, ":2"), Behaviour.SUCCEED);

        assertThat(refused).isInstanceOf(CommandResult.Failure.class);
        assertThat(rerun).isInstanceOf(CommandResult.Success.class);
        assertThat(duplicate).isEqualTo(rerun);
        assertThat(callsOf(CommandKind.COMPENSATION)).isEqualTo(2);
        assertThat(ledger(CommandKind.COMPENSATION)).isEqualTo(1);
    }

    @Test
    void reRunOfACompensationWhoseActionNeverRanStaysEmpty() throws Exception {
        run(ctx(CommandKind.COMPENSATION), Behaviour.SUCCEED);
        CommandResult rerun = run(ctx(CommandKind.COMPENSATION, ":2"), Behaviour.SUCCEED);
        CommandResult lateAction = run(ctx(CommandKind.ACTION), Behaviour.SUCCEED);

        assertThat(rerun).isInstanceOf(CommandResult.Success.class);
        assertThat(lateAction).isInstanceOf(CommandResult.Failure.class);
        assertThat(callsOf(CommandKind.COMPENSATION)).isZero();
        assertThat(db.count("SELECT count(*) FROM ledger")).isZero();
    }
}
