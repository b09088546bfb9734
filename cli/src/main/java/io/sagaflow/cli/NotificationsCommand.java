package io.sagaflow.cli;

import static io.sagaflow.cli.EngineClient.segment;
import static io.sagaflow.cli.Table.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sagaflow notifications show|resend ID}: best-effort notifications and their attempts. */
@Command(name = "notifications", mixinStandardHelpOptions = true, description = "Best-effort notifications.",
        subcommands = {NotificationsCommand.Show.class, NotificationsCommand.Resend.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class NotificationsCommand {

    static String describe(JsonNode n) {
        return Table.fields(n, List.of(col("id", "id"), col("flow", "flow"), col("version", "flowVersion"),
                col("status", "status"), col("next attempt", "nextAttemptAt"), col("created", "createdAt"),
                col("updated", "updatedAt"), col("payload", "payload")))
                + System.lineSeparator() + Table.render(n.path("attempts"), List.of(col("ATTEMPT", "attempt"),
                col("STARTED", "startedAt"), col("HTTP", "httpStatus"), col("MS", "latencyMs"), col("ERROR", "error")),
                "no attempt yet");
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One notification with every attempt.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the notification id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/notifications/" + segment(id)), NotificationsCommand::describe);
        }
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = "Starts the schedule of a notification again (one that GAVE_UP, or to deliver it once more).")
    static final class Resend extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the notification id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.postJson("/api/notifications/" + segment(id) + "/resend", Map.of()), NotificationsCommand::describe);
        }
    }
}
