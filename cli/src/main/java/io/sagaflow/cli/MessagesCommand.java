package io.sagaflow.cli;

import static io.sagaflow.cli.EngineClient.segment;
import static io.sagaflow.cli.Table.col;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code sagaflow messages show ID}: a reliable message with its history. */
@Command(name = "messages", mixinStandardHelpOptions = true, description = "Reliable (two-phase) messages.",
        subcommands = {MessagesCommand.Show.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class MessagesCommand {

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One message: status, check-backs, events.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the message id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/messages/" + segment(id)), m -> Table.fields(m, List.of(col("id", "id"),
                    col("flow", "flow"), col("version", "flowVersion"), col("topic", "topic"), col("key", "key"),
                    col("status", "status"), col("checks", "checks"), col("next check", "nextCheckAt"),
                    col("created", "createdAt"), col("updated", "updatedAt"), col("payload", "payload")))
                    + System.lineSeparator() + Table.render(m.path("events"), List.of(col("SEQ", "seq"), col("EVENT", "type"),
                    col("AT", "at"), col("DATA", "data")), "no events"));
        }
    }
}
