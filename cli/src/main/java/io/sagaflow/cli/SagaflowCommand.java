package io.sagaflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code sagaflow} command. Its subcommands do the work; on its own it only explains itself. */
@Command(name = "sagaflow",
        mixinStandardHelpOptions = true,
        versionProvider = SagaflowCommand.Version.class,
        description = "Works with Sagaflow flow documents.",
        subcommands = {ValidateCommand.class, CommandLine.HelpCommand.class})
public final class SagaflowCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    /** A command line ready to {@link CommandLine#execute(String...) execute}; tests capture its out and err. */
    public static CommandLine commandLine() {
        return new CommandLine(new SagaflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        // picocli reports a ParameterException with the usage and exit code 2, like any other usage error
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed, e.g. sagaflow validate FILE...");
    }

    /** The version in the jar's manifest; classes run from a build directory have none. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SagaflowCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sagaflow " + (version == null ? "(development build)" : version)};
        }
    }
}
