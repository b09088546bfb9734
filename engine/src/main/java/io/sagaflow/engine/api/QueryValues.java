package io.sagaflow.engine.api;

import io.sagaflow.engine.internal.DomainFailure;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** Query-string values the API accepts, refused with a problem that lists what would have been accepted. */
final class QueryValues {

    private QueryValues() {
    }

    /** The constant of {@code type} named {@code value} (none when absent); {@code invalid-<name>} otherwise. */
    static <E extends Enum<E>> Optional<E> enumValue(String name, Class<E> type, String value) {
        if (value == null) {
            return Optional.empty();
        }
        return Arrays.stream(type.getEnumConstants()).filter(c -> c.name().equals(value)).findFirst()
                .map(Optional::of)
                .orElseThrow(() -> new DomainFailure.Invalid(invalid(name), name + " must be one of "
                        + Arrays.toString(type.getEnumConstants()) + ", was " + value));
    }

    /**
     * The id in a path, for a thing of {@code kind} (kebab-case: {@code dead-letter}); a value that is no UUID cannot
     * name one, so it is answered like an unknown id: {@code unknown-<kind>}.
     */
    static UUID id(String kind, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            String noun = kind.replace('-', ' ');
            throw new DomainFailure.NotFound("unknown-" + kind, "no " + noun + " " + value + " (" + noun + " ids are UUIDs)");
        }
    }

    /** A whole number named {@code name}: {@code fallback} when absent, {@code invalid-<name>} when not a number. */
    static int intValue(String name, String value, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new DomainFailure.Invalid(invalid(name), name + " must be a whole number, was '" + value + "'");
        }
    }

    /** An optional whole number: empty when absent, {@code invalid-<name>} when not a number. */
    static Optional<Integer> optionalInt(String name, String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(intValue(name, value, 0));
    }

    /** An instant in ISO-8601 with an offset ({@code 2026-12-05T10:00:00Z}); {@code invalid-<name>} otherwise. */
    static Optional<java.time.Instant> instantValue(String name, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.OffsetDateTime.parse(value.trim()).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            throw new DomainFailure.Invalid(invalid(name), name + " must be a time with an offset such as "
                    + "2026-12-05T10:00:00Z, was '" + value + "'");
        }
    }

    /** No thing of {@code kind} with that id. */
    static DomainFailure unknown(String kind, UUID id) {
        return new DomainFailure.NotFound("unknown-" + kind, "no " + kind.replace('-', ' ') + " " + id);
    }

    /** The problem code of a bad parameter: {@code invalid-} and its name in kebab case ({@code flowVersion}: {@code invalid-flow-version}). */
    static String invalid(String name) {
        return "invalid-" + name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
