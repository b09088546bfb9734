package io.sagaflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sagaflow.dsl.Diagnostic;
import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.FlowParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sagaflow validate FILE...}: every problem of every file, printed like a compiler, with the parser the engine
 * deploys with, so a flow that passes here is not refused by {@code POST /api/flows} for its content.
 */
@Command(name = "validate",
        mixinStandardHelpOptions = true,
        versionProvider = SagaflowCommand.Version.class,
        sortOptions = false,
        description = {
                "Checks flow documents (Saga, Message, Notification, CacheSync) and prints every problem found:",
                "  FILE:LINE:COLUMN: error: MESSAGE (HINT)"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every file is valid (warnings allowed)",
                "1:at least one file has an error",
                "2:bad usage, or a file could not be read"})
final class ValidateCommand implements Callable<Integer> {

    static final int VALID = 0;
    static final int INVALID = 1;
    static final int UNREADABLE = CommandLine.ExitCode.USAGE;

    /** {@code -o json}: [{file, line, column, path, code, severity, message, hint}]; inherited from {@code sagaflow}. */
    @picocli.CommandLine.ParentCommand
    private SagaflowCommand root;

    @Option(names = "--max-bytes", defaultValue = "" + FlowParser.DEFAULT_MAX_BYTES, paramLabel = "N",
            description = "refuse documents larger than N bytes, like the engine (default: ${DEFAULT-VALUE})")
    private int maxBytes;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "flow documents; a directory stands for the *.yaml and *.yml files in it")
    private List<Path> files;

    @Spec
    private CommandSpec spec;

    /** The diagnostics of one readable file, named as the user named it. */
    private record Checked(String file, List<Diagnostic> diagnostics) {
        long count(Diagnostic.Severity severity) {
            return diagnostics.stream().filter(d -> d.severity() == severity).count();
        }
    }

    /** A file that could not be read; nothing can be said about its content. */
    private static final class Unreadable extends Exception {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    @Override
    public Integer call() {
        if (maxBytes < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-bytes must be >= 1, was " + maxBytes);
        }
        PrintWriter err = spec.commandLine().getErr();
        FlowParser parser = new FlowParser(maxBytes);
        List<Checked> checked = new ArrayList<>();
        int unreadable = 0;
        for (Path argument : files) {
            List<Path> documents;
            try {
                documents = expand(argument);
            } catch (Unreadable e) {
                err.println(argument + ": error: " + e.getMessage());
                unreadable++;
                continue;
            }
            for (Path file : documents) {
                try {
                    checked.add(new Checked(file.toString(), check(parser, file)));
                } catch (Unreadable e) {
                    err.println(file + ": error: cannot read the file: " + e.getMessage());
                    unreadable++;
                }
            }
        }
        if (root.output() == ServerOptions.Output.JSON) {
            printJson(checked);
        } else {
            printText(checked, unreadable);
        }
        err.flush();
        if (unreadable > 0) {
            return UNREADABLE;
        }
        return checked.stream().anyMatch(c -> c.count(Diagnostic.Severity.ERROR) > 0) ? INVALID : VALID;
    }

    /** A file, or the flow files of a directory in name order. */
    private static List<Path> expand(Path argument) throws Unreadable {
        if (!Files.isDirectory(argument)) {
            return List.of(argument);
        }
        try (Stream<Path> listing = Files.list(argument)) {
            List<Path> yaml = listing.filter(p -> {
                String name = p.getFileName().toString();
                return (name.endsWith(".yaml") || name.endsWith(".yml")) && Files.isRegularFile(p);
            }).sorted().toList();
            if (yaml.isEmpty()) {
                throw new Unreadable("no .yaml or .yml file in this directory");
            }
            return yaml;
        } catch (IOException e) {
            throw new Unreadable("cannot list the directory: " + reason(e));
        }
    }

    private List<Diagnostic> check(FlowParser parser, Path file) throws Unreadable {
        try {
            long size = Files.size(file);
            if (size > maxBytes) {
                // Said without reading the file: a huge file would otherwise be loaded whole only to be refused.
                return List.of(Diagnostic.error(DiagnosticCodes.TOO_LARGE, "", 1, 1,
                        "the document is " + size + " bytes, over the limit of " + maxBytes + " bytes"));
            }
            return parser.parse(decode(Files.readAllBytes(file))).diagnostics();
        } catch (IOException e) {
            throw new Unreadable(reason(e));
        }
    }

    /** Strict UTF-8, so that a file in another encoding is named as such instead of failing with odd diagnostics. */
    private static String decode(byte[] bytes) throws Unreadable {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text; // editors on Windows add a byte order mark
        } catch (CharacterCodingException e) {
            throw new Unreadable("it is not UTF-8 text");
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void printText(List<Checked> checked, int unreadable) {
        PrintWriter out = spec.commandLine().getOut();
        for (Checked c : checked) {
            c.diagnostics().forEach(d -> out.println(d.format(c.file())));
        }
        long errors = checked.stream().mapToLong(c -> c.count(Diagnostic.Severity.ERROR)).sum();
        long warnings = checked.stream().mapToLong(c -> c.count(Diagnostic.Severity.WARNING)).sum();
        long invalid = checked.stream().filter(c -> c.count(Diagnostic.Severity.ERROR) > 0).count();
        StringBuilder summary = new StringBuilder()
                .append(plural(checked.size(), "file")).append(" checked: ")
                .append(invalid == 0 ? "all valid" : invalid + " invalid");
        if (errors + warnings > 0) {
            summary.append(" (").append(plural(errors, "error")).append(", ").append(plural(warnings, "warning"))
                    .append(")");
        }
        if (unreadable > 0) {
            summary.append("; ").append(plural(unreadable, "file")).append(" could not be read");
        }
        out.println(summary);
        out.flush();
    }

    private void printJson(List<Checked> checked) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode all = mapper.createArrayNode();
        for (Checked c : checked) {
            for (Diagnostic d : c.diagnostics()) {
                ObjectNode o = all.addObject();
                o.put("file", c.file());
                o.put("line", d.line());
                o.put("column", d.column());
                o.put("path", d.path());
                o.put("code", d.code());
                o.put("severity", d.severity().name().toLowerCase(Locale.ROOT));
                o.put("message", d.message());
                o.put("hint", d.hint().orElse(null));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        try {
            out.println(mapper.writeValueAsString(all));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
        out.flush();
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
