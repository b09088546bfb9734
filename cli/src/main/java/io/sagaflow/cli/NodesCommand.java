package io.sagaflow.cli;

import static io.sagaflow.cli.Table.col;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code sagaflow nodes}: the engine nodes, their heartbeats and what each holds. */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "Engine nodes: alive or not, last heartbeat, and what each holds (relay leadership, partitions).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
final class NodesCommand extends ApiCommand {

    @Override
    int run(EngineClient api) throws Exception {
        return print(api.get("/api/nodes"), body -> rows(body, List.of(col("NODE", "id"), col("ALIVE", "alive"),
                col("STARTED", "startedAt"), col("HEARTBEAT", "lastHeartbeat"), col("HOLDS", "holds")), "no nodes"));
    }
}
