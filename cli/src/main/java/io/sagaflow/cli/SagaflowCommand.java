package io.sagaflow.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code sagaflow} command: validate documents offline, and speak the engine's REST API (deploy, list, show,
 * watch, abort, retry, skip, redrive, resend). Its subcommands do the work; on its own it only explains itself.
 */
@Command(name = "sagaflow",
        mixinStandardHelpOptions = true,
        versionProvider = SagaflowCommand.Version.class,
        description = {"Works with Sagaflow: flow documents, and a running engine through its REST API.",
                "The engine is --server (or env SAGAFLOW_SERVER, or 'server' in ~/.config/sagaflow/config.properties);",
                "a token is --token (or env SAGAFLOW_TOKEN, or 'token' in that file)."},
        subcommands = {ValidateCommand.class, DeployCommand.class, FlowsCommand.class, SagasCommand.class,
                DeadLettersCommand.class, MessagesCommand.class, NotificationsCommand.class, NodesCommand.class,
                AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class},
        footer = {"%nExamples:", "  sagaflow validate flows/*.yaml", "  sagaflow deploy flows/order-checkout.yaml",
                "  sagaflow sagas list --status FAILED", "  sagaflow sagas retry 1b4e... --reason \"refund done by hand\"",
                "  source <(sagaflow generate-completion)   # bash/zsh completion"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {Exits.OK, Exits.REFUSED, Exits.USAGE, Exits.UNREACHABLE})
public final class SagaflowCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Mixin
    private ServerOptions server = new ServerOptions();

    /** A command line ready to {@link CommandLine#execute(String...) execute}; tests capture its out and err. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new SagaflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
        cmd.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        cmd.setExecutionExceptionHandler((failure, command, parsed) -> {
            if (failure instanceof EngineClient.Refused refused) {
                command.getErr().println("sagaflow: " + refused.explain());
                return Exits.REFUSED_CODE;
            }
            if (failure instanceof EngineClient.Unreachable unreachable) {
                command.getErr().println("sagaflow: " + unreachable.getMessage());
                return Exits.UNREACHABLE_CODE;
            }
            if (failure instanceof IllegalArgumentException bad) {
                command.getErr().println("sagaflow: " + bad.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            throw failure;
        });
        return cmd;
    }

    ServerOptions server() {
        return server;
    }

    ServerOptions.Output output() {
        return server.output == null ? ServerOptions.Output.TABLE : server.output;
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
