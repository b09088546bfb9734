package io.sagaflow.engine.internal;

import java.util.Optional;

/**
 * The {@code Idempotency-Key} header of a create request (SPEC §4): the same key with the same body answers the
 * first result; the same key with another body is refused ({@link IdempotentCreate}). Keys are global per kind of
 * thing created and kept as long as what they created.
 */
public record IdempotencyKey(String value) {

    /** Longest accepted key. */
    public static final int MAX_LENGTH = 200;

    public IdempotencyKey {
        if (value == null || value.isBlank() || value.length() > MAX_LENGTH) {
            throw new DomainFailure.Invalid("invalid-idempotency-key",
                    "Idempotency-Key must be 1 to " + MAX_LENGTH + " characters");
        }
    }

    /** The key of a request, none when the header is absent; {@code invalid-idempotency-key} when it is empty or too long. */
    public static Optional<IdempotencyKey> fromHeader(String header) {
        return header == null ? Optional.empty() : Optional.of(new IdempotencyKey(header));
    }

    @Override
    public String toString() {
        return value;
    }
}
