package io.sagaflow.participant.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sagaflow.participant.BusinessFailure;
import io.sagaflow.participant.CommandResult;
import io.sagaflow.wire.CommandKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The barrier's decisions, without I/O, shared by the JDBC and the reactive flavour: which rows to insert, what
 * an insert that found a row means, and how outcomes are stored. The flavours only run the SQL.
 */
public final class BarrierRules {

    /** Code of the FAILURE answered to an action or try that arrives after its compensation or cancel. */
    public static final String CANCELLED_BEFORE_ACTION = "cancelled-before-action";

    private static final ObjectMapper JSON = new ObjectMapper();

    private BarrierRules() {
    }

    /** What a barrier row's {@code outcome} column holds. */
    public enum Recorded {
        /** The business method ran and succeeded (or an empty compensation was acknowledged). */
        SUCCESS,
        /** The business method refused the command. */
        FAILURE,
        /** Written by a compensation or cancel for an origin op that never ran: the origin must never run. */
        BLOCKED,
        /**
         * The row of an op whose business method is running in this same transaction. It is always updated
         * before the commit, so no other transaction ever sees it; the insert must come first because the
         * primary key's lock is what makes a concurrent duplicate wait.
         */
        IN_PROGRESS
    }

    /** One row to insert with {@code ON CONFLICT DO NOTHING}. */
    public record Insert(String op, Recorded outcome) {
    }

    /** A row found in the table. */
    public record Row(Recorded outcome, Optional<String> output) {
    }

    /** What to do once the inserts are done. */
    public sealed interface Next permits Run, Acknowledge, Replay {
    }

    /** The command is new: run the business method, then record its outcome in the own row. */
    public record Run() implements Next {
    }

    /** Empty compensation or cancel (its origin never ran): record SUCCESS without running anything. */
    public record Acknowledge(CommandResult.Success outcome) implements Next {
    }

    /** A duplicate, or a blocked origin: answer this, run nothing, write nothing. */
    public record Replay(CommandResult outcome) implements Next {
    }

    /**
     * The rows to insert, in order. An undo inserts its origin's row (BLOCKED) first: if that insert succeeds
     * the origin never ran, and from now on it cannot. Inserting the origin first also makes an undo that races
     * its still-running origin wait for it on the origin's primary key, and then see that it ran.
     */
    public static List<Insert> inserts(CommandKind kind) {
        return inserts(kind, kind.wire());
    }

    /** The same for an operation {@code op} of that kind (a re-run's op carries its run, see CommandContext.op). */
    public static List<Insert> inserts(CommandKind kind, String op) {
        List<Insert> rows = new ArrayList<>(2);
        kind.origin().ifPresent(origin -> rows.add(new Insert(origin.wire(), Recorded.BLOCKED)));
        rows.add(new Insert(op, Recorded.IN_PROGRESS));
        return rows;
    }

    /**
     * Decides after the inserts.
     *
     * @param kind           the command's kind
     * @param originInserted true when the origin's row is BLOCKED: inserted now by this undo, or by an earlier run of
     *                       it (only undo kinds have one) — either way the action never ran
     * @param ownInserted    true when the command's own row was inserted now
     * @param ownExisting    the command's own row as found, when it was not inserted
     */
    public static Next next(CommandKind kind, boolean originInserted, boolean ownInserted, Optional<Row> ownExisting) {
        if (!ownInserted) {
            Row row = ownExisting.orElseThrow(() -> new IllegalStateException(
                    "the " + kind.wire() + " row was neither inserted nor found"));
            return new Replay(replay(row));
        }
        if (kind.origin().isPresent() && originInserted) {
            return new Acknowledge(new CommandResult.Success(JSON.nullNode()));
        }
        return new Run();
    }

    /** The answer to a duplicate: the first recorded outcome. */
    public static CommandResult replay(Row row) {
        switch (row.outcome()) {
            case SUCCESS:
                return new CommandResult.Success(row.output().map(BarrierRules::parse).orElse(JSON.nullNode()));
            case FAILURE:
                JsonNode body = row.output().map(BarrierRules::parse).orElse(JSON.nullNode());
                return new CommandResult.Failure(body.path("code").asText("failure"), body.path("message").asText(""));
            case BLOCKED:
                return new CommandResult.Failure(CANCELLED_BEFORE_ACTION,
                        "a compensation or cancel of this step ran first; this operation is blocked for good");
            default:
                // Cannot be committed (see IN_PROGRESS); answer what is always safe.
                return new CommandResult.Retry("barrier row found in progress");
        }
    }

    /** What an exception of the business method means: FAILURE for a {@link BusinessFailure}, else RETRY. */
    public static CommandResult fromException(Throwable error) {
        Throwable cause = unwrap(error);
        if (cause instanceof BusinessFailure failure) {
            return new CommandResult.Failure(failure.code(), failure.getMessage());
        }
        return new CommandResult.Retry(String.valueOf(cause));
    }

    /** The exception inside the wrappers that futures add. */
    public static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The {@code outcome} column for a final outcome. */
    public static Recorded recorded(CommandResult outcome) {
        if (outcome instanceof CommandResult.Success) {
            return Recorded.SUCCESS;
        }
        if (outcome instanceof CommandResult.Failure) {
            return Recorded.FAILURE;
        }
        throw new IllegalArgumentException("RETRY is never recorded: nothing of a retried attempt is kept");
    }

    /** The {@code output} column for a final outcome. */
    public static String output(CommandResult outcome) {
        try {
            return JSON.writeValueAsString(outcome.body());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("output cannot be written as JSON", e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("barrier output is not JSON: " + text, e);
        }
    }
}
