package io.sagaflow.cli;

/** The exit codes of every command that speaks the REST API (SPEC §7), as listed in each command's help. */
final class Exits {

    static final int REFUSED_CODE = 1;
    static final int UNREACHABLE_CODE = 3;

    static final String OK = "0:done";
    static final String REFUSED = "1:not found, or refused by the engine (the problem is printed)";
    static final String USAGE = "2:bad usage";
    static final String UNREACHABLE = "3:the engine could not be reached";

    private Exits() {
    }
}
