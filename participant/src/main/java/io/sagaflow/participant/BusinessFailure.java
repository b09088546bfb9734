package io.sagaflow.participant;

/**
 * Thrown by a business method to refuse a command for a business reason ("insufficient-funds"). The barrier
 * rolls back what the method changed, records the failure, and answers FAILURE now and to every duplicate; the
 * engine does not retry it. Any other exception means "try again later" (RETRY).
 */
public class BusinessFailure extends RuntimeException {

    private final String code;

    /** A failure with a machine-readable {@code code} and a message for people. */
    public BusinessFailure(String code, String message) {
        super(message);
        if (code == null || code.isBlank()) {
            throw new IllegalArgumentException("a business failure needs a code, was " + code);
        }
        this.code = code;
    }

    /** The machine-readable code, e.g. {@code insufficient-funds}. */
    public String code() {
        return code;
    }
}
