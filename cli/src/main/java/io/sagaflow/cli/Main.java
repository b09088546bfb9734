package io.sagaflow.cli;

/** {@code java -jar sagaflow.jar validate order.yaml}: the process entry point. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(SagaflowCommand.commandLine().execute(args));
    }
}
