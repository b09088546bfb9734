package io.sagaflow.cli;

import static io.sagaflow.cli.EngineClient.segment;
import static io.sagaflow.cli.Table.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sagaflow flows list|show}: the deployed flow documents. */
@Command(name = "flows", mixinStandardHelpOptions = true, description = "The deployed flow documents.",
        subcommands = {FlowsCommand.ListFlows.class, FlowsCommand.Show.class},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class FlowsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every flow with its newest version.")
    static final class ListFlows extends ApiCommand {
        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/flows"), body -> rows(body, List.of(col("NAME", "name"), col("KIND", "kind"),
                    col("LATEST", "latestVersion"), col("DEPLOYED", "deployed")), "no flows deployed"));
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One flow: its versions, and the document of the newest (or of --version) with line numbers.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "the flow's name")
        String name;
        @Option(names = "--version", description = "the version whose document is shown (default: the newest)")
        Integer version;

        @Override
        int run(EngineClient api) throws Exception {
            return print(api.get("/api/flows/" + segment(name)), flow -> {
                StringBuilder out = new StringBuilder(Table.render(flow.path("versions"), List.of(col("VERSION", "version"),
                        col("KIND", "kind"), col("DEPLOYED", "deployedAt"), col("UNDEPLOYED", "undeployedAt")), "no versions"));
                JsonNode shown = null;
                for (JsonNode v : flow.path("versions")) {
                    if (version == null || v.path("version").asInt() == version) {
                        shown = v;
                    }
                }
                if (shown == null) {
                    return out.append("no version ").append(version).append(System.lineSeparator()).toString();
                }
                out.append(System.lineSeparator());
                String[] lines = shown.path("content").asText().split("\\R", -1);
                for (int i = 0; i < lines.length; i++) {
                    out.append(String.format("%4d  %s%n", i + 1, lines[i]));
                }
                return out.toString();
            });
        }
    }
}
