package io.sagaflow.cli;

import static io.sagaflow.cli.EngineClient.query;
import static io.sagaflow.cli.EngineClient.segment;
import static io.sagaflow.cli.Table.col;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sagaflow dead-letters list|show|redrive}: what the engine gave up on, and handing it back. */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "What the engine gave up on (failed sagas, poison replies, undecided messages, notifications that gave up).",
        subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Show.class, DeadLettersCommand.Redrive.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class DeadLettersCommand {

    static final List<Table.Column> LETTER = List.of(col("id", "id"), col("source", "source"), col("origin", "origin"),
            col("flow", "flow"), col("reason", "reason"), col("detail", "detail"), col("status", "status"),
            col("attempts", "attempts"), col("created", "createdAt"), col("updated", "updatedAt"),
            col("headers", "headers"), col("payload", "payload"));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, newest first.")
    static final class ListLetters extends ApiCommand {
        @Option(names = "--source", description = "SAGA, REPLY, MESSAGE, MESSAGE_DELIVERY or NOTIFICATION")
        String source;
        @Option(names = "--status", description = "OPEN, REDRIVEN or RESOLVED")
        String status;
        @Option(names = "--flow", description = "only letters about this flow")
        String flow;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50, at most 500)")
        int limit;

        @Override
        int run(EngineClient api) throws Exception {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("source", source);
            params.put("status", status);
            params.put("flow", flow);
            params.put("limit", limit);
            return print(api.get(query("/api/dead-letters", params)), body -> rows(body.path("items"), List.of(
                    col("ID", "id"), col("SOURCE", "source"), col("STATUS", "status"), col("REASON", "reason"),
                    col("ORIGIN", "origin"), col("CREATED", "createdAt")), "no dead letters"));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One letter with its payload and every redrive.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the dead letter's id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/dead-letters/" + segment(id)), DeadLettersCommand::describe);
        }
    }

    static String describe(com.fasterxml.jackson.databind.JsonNode letter) {
        return Table.fields(letter, LETTER) + System.lineSeparator() + Table.render(letter.path("redrives"),
                List.of(col("REDRIVE", "id"), col("REQUESTED", "requestedAt"), col("OUTCOME", "outcome"),
                        col("DETAIL", "detail")), "never redriven");
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = {"Hands a letter back to its source: a saga is retried, a reply applied again, a notification",
                    "resent; an UNDECIDED message needs --decision."})
    static final class Redrive extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the dead letter's id")
        String id;
        @Option(names = "--decision", description = "commit or rollback (an UNDECIDED message only)")
        String decision;
        @Option(names = "--reason", description = "why (recorded with the redrive)")
        String reason;

        @Override
        int run(EngineClient api) throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (decision != null) {
                body.put("decision", decision);
            }
            if (reason != null) {
                body.put("reason", reason);
            }
            return print(api.postJson("/api/dead-letters/" + segment(id) + "/redrive", body), DeadLettersCommand::describe);
        }
    }
}
