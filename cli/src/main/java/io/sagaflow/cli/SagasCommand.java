package io.sagaflow.cli;

import static io.sagaflow.cli.EngineClient.query;
import static io.sagaflow.cli.EngineClient.segment;
import static io.sagaflow.cli.Table.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sagaflow sagas ...}: list, show, follow and repair sagas. */
@Command(name = "sagas", mixinStandardHelpOptions = true, description = "List, show, follow and repair sagas.",
        subcommands = {SagasCommand.ListSagas.class, SagasCommand.Show.class, SagasCommand.Watch.class,
                SagasCommand.Abort.class, SagasCommand.Retry.class, SagasCommand.Skip.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class SagasCommand {

    static final List<Table.Column> LIST = List.of(col("ID", "id"), col("FLOW", "flow"), col("V", "flowVersion"),
            col("STATUS", "status"), col("CREATED", "createdAt"), col("UPDATED", "updatedAt"));

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Sagas, newest first.",
            footer = {"%nExamples:", "  sagaflow sagas list --status FAILED --flow order-checkout",
                    "  sagaflow sagas list --since 1h -o json"})
    static final class ListSagas extends ApiCommand {
        @Option(names = "--status", description = "RUNNING, COMPENSATING, COMPLETED, COMPENSATED or FAILED")
        String status;
        @Option(names = "--flow", description = "only sagas of this flow")
        String flow;
        @Option(names = "--since", paramLabel = "WHEN",
                description = "only sagas created since: a duration back from now (30m, 2h, 7d) or an ISO instant")
        String since;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many (default 50)")
        int limit;

        @Override
        int run(EngineClient api) throws Exception {
            if (limit < 1) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--limit must be >= 1, was " + limit);
            }
            Instant from = since == null ? null : since(since);
            // Newest first: page until `limit` rows, the last page, or a row older than --since.
            List<JsonNode> rows = new ArrayList<>();
            String after = null;
            boolean older = false;
            do {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("status", status);
                params.put("flow", flow);
                params.put("limit", Math.min(500, limit - rows.size()));
                params.put("after", after);
                JsonNode page = api.get(query("/api/sagas", params)).json();
                for (JsonNode s : page.path("items")) {
                    if (from != null && Instant.parse(s.path("createdAt").asText()).isBefore(from)) {
                        older = true;
                        break;
                    }
                    rows.add(s);
                }
                after = page.path("next").isTextual() ? page.path("next").asText() : null;
            } while (after != null && !older && rows.size() < limit);
            JsonNode items = EngineClient.JSON.valueToTree(rows);
            return print(new EngineClient.Answer(200, EngineClient.JSON.writeValueAsString(items)),
                    body -> rows(body, LIST, "no sagas"));
        }

        private Instant since(String value) {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException notAnInstant) {
                return Instant.now().minus(Durations.parse(value, spec.commandLine(), "--since"));
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One saga: status, steps, last error.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the saga id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/sagas/" + segment(id)), SagasCommand::describe);
        }
    }

    static String describe(JsonNode saga) {
        return Table.fields(saga, List.of(col("id", "id"), col("flow", "flow"), col("version", "flowVersion"),
                col("status", "status"), col("created", "createdAt"), col("updated", "updatedAt"), col("error", "error"),
                col("input", "input"), col("output", "output")))
                + System.lineSeparator()
                + Table.render(saga.path("steps"), List.of(col("STEP", "name"), col("STATUS", "status"),
                        col("ATTEMPTS", "attempts"), col("ERROR", "error")), "no steps");
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Follows a saga's events as they are recorded, until the saga ends; then shows it.")
    static final class Watch extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "the saga id")
        String id;

        @Override
        int run(EngineClient api) throws Exception {
            api.get("/api/sagas/" + segment(id));   // an unknown id is a 404 here, before the stream
            api.follow("/api/sagas/" + segment(id) + "/stream", data -> {
                String type = "";
                try {
                    JsonNode e = EngineClient.JSON.readTree(data);
                    type = e.path("type").asText();
                    if (json()) {
                        out().println(data);
                    } else {
                        out().printf("%4s  %-24s  %s  %s%n", e.path("seq").asText(), type, e.path("at").asText(),
                                e.path("data").path("step").asText(""));
                    }
                } catch (Exception notJson) {
                    out().println(data);
                }
                out().flush();
                // A FAILED saga waits for an operator and its stream stays open: stop once the saga is at rest.
                return !(type.equals("SagaFailed") && "FAILED".equals(api.get("/api/sagas/" + segment(id)).json()
                        .path("status").asText()));
            });
            if (!json()) {
                out().print(describe(api.get("/api/sagas/" + segment(id)).json()));
                out().flush();
            }
            return 0;
        }
    }

    /** An operator action on one saga, with the reason recorded in its event. */
    abstract static class Action extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "the saga id")
        String id;
        @Option(names = "--reason", required = true, description = "why (recorded with the action, shown in the events)")
        String reason;

        abstract String path();

        @Override
        int run(EngineClient api) throws Exception {
            if (reason.isBlank()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--reason must not be blank");
            }
            return print(api.postJson("/api/sagas/" + segment(id) + path(), Map.of("reason", reason)), SagasCommand::describe);
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Compensates a RUNNING saga now (every step that succeeded is compensated).")
    static final class Abort extends Action {
        @Override
        String path() {
            return "/abort";
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Resumes a FAILED saga: the settlement that failed is tried again.")
    static final class Retry extends Action {
        @Override
        String path() {
            return "/retry";
        }
    }

    @Command(name = "skip", mixinStandardHelpOptions = true,
            description = "Marks a step of a FAILED saga as settled by hand (SKIPPED) and resumes the saga.")
    static final class Skip extends Action {
        @Parameters(index = "1", paramLabel = "STEP", description = "the step's name")
        String step;

        @Override
        String path() {
            return "/steps/" + segment(step) + "/skip";
        }
    }
}
