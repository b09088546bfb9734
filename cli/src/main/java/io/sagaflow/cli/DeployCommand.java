package io.sagaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code sagaflow deploy FILE...}: posts each document to the engine. A document the engine refuses is printed like
 * {@code validate} prints it ({@code FILE:LINE:COLUMN: error: MESSAGE}), every problem at once.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Deploys flow documents to the engine, one by one: deployed (new), unchanged (the same content",
                "was deployed), or refused with every problem at its line."},
        footer = {"%nExample:", "  sagaflow deploy sample-flows/flows/*.yaml"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every document deployed or unchanged", "1:at least one document refused",
                Exits.USAGE + " (or a file could not be read)", Exits.UNREACHABLE})
final class DeployCommand extends ApiCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "flow documents (YAML)")
    List<Path> files;

    @Override
    int run(EngineClient api) throws Exception {
        int exit = 0;
        for (Path file : files) {
            byte[] yaml;
            try {
                yaml = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), file + ": no such file");
            }
            try {
                EngineClient.Answer answer = api.post("/api/flows", "application/yaml", yaml);
                JsonNode d = answer.json();
                if (json()) {
                    out().println(d);
                } else {
                    out().printf("%s: %s %s version %s %s%n", file, d.path("kind").asText(), d.path("name").asText(),
                            d.path("version").asText(), answer.status() == 201 ? "deployed" : "unchanged (already deployed)");
                }
            } catch (EngineClient.Refused refused) {
                exit = Exits.REFUSED_CODE;
                JsonNode problem = refused.answer.json();
                if (json()) {
                    out().println(problem);
                } else if (problem.path("errors").isArray() && problem.path("errors").size() > 0) {
                    for (JsonNode e : problem.path("errors")) {
                        String hint = e.path("hint").asText("");
                        out().printf("%s:%s:%s: error: %s%s%n", file, e.path("line").asText(), e.path("column").asText(),
                                e.path("message").asText(), hint.isEmpty() ? "" : " (" + hint + ")");
                    }
                } else {
                    out().printf("%s: refused: %s%n", file, refused.explain());
                }
            }
            out().flush();
        }
        return exit;
    }
}
