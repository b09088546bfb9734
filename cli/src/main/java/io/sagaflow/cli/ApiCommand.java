package io.sagaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command that speaks the REST API shares: the client built from the inherited {@code --server},
 * {@code --token}, {@code --output}, and printing an answer as a table or as the API's JSON. Failures are thrown
 * ({@link EngineClient.Refused}, {@link EngineClient.Unreachable}) and turned into exit codes by
 * {@link SagaflowCommand#commandLine()}.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The command's work; returns its exit code. */
    abstract int run(EngineClient api) throws Exception;

    @Override
    public final Integer call() throws Exception {
        ServerOptions.Resolved settings = settings();
        return run(new EngineClient(settings.server(), settings.token()));
    }

    ServerOptions.Resolved settings() {
        return ((SagaflowCommand) spec.root().userObject()).server().resolve(System.getenv());
    }

    boolean json() {
        return settings().output() == ServerOptions.Output.JSON;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** The answer as JSON (pretty), or {@code table} of it. */
    int print(EngineClient.Answer answer, java.util.function.Function<JsonNode, String> table) throws Exception {
        JsonNode body = answer.json();
        if (json()) {
            out().println(EngineClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
        } else {
            out().print(table.apply(body));
        }
        out().flush();
        return 0;
    }

    static String rows(JsonNode items, List<Table.Column> columns, String empty) {
        return Table.render(items, columns, empty);
    }
}
