package io.sagaflow.dsl;

/**
 * The stable {@link Diagnostic#code() codes} of document problems. Tools and tests may rely on them; messages may be
 * reworded, codes are not.
 */
public final class DiagnosticCodes {

    /** Not well-formed YAML; the position is the scanner's or parser's problem mark. */
    public static final String YAML_SYNTAX = "yaml-syntax";
    /** The document is larger than the parser's limit (bytes of UTF-8). */
    public static final String TOO_LARGE = "too-large";
    /** Mappings and lists nest deeper than the parser allows. */
    public static final String TOO_DEEP = "too-deep";
    /** Too many aliases of collections, or aliases that blow the document up (a "billion laughs"). */
    public static final String TOO_MANY_ALIASES = "too-many-aliases";
    /** An alias inside the collection it refers to: the document would be infinite. */
    public static final String RECURSIVE_ALIAS = "recursive-alias";
    /** More than one YAML document in the text; a flow is one document. */
    public static final String MULTIPLE_DOCUMENTS = "multiple-documents";
    /** Nothing but comments or whitespace. */
    public static final String EMPTY_DOCUMENT = "empty-document";

    /** {@code apiVersion} is not {@code sagaflow.io/v1}. */
    public static final String BAD_API_VERSION = "bad-api-version";
    /** {@code kind} is not one of Saga, Message, Notification, CacheSync. */
    public static final String BAD_KIND = "bad-kind";
    /** A flow or step name that is not {@code [a-z0-9-]+} (no leading or trailing '-'). */
    public static final String BAD_NAME = "bad-name";
    /** {@code metadata.version} is not a positive integer. */
    public static final String BAD_VERSION = "bad-version";

    /** A required key is absent. */
    public static final String MISSING_FIELD = "missing-field";
    /** A value of the wrong YAML type, e.g. a mapping where a list is expected. */
    public static final String WRONG_TYPE = "wrong-type";
    /** A key the format does not define (with a "did you mean" hint when one is close). */
    public static final String UNKNOWN_KEY = "unknown-key";
    /** The same key twice in one mapping. */
    public static final String DUPLICATE_KEY = "duplicate-key";
    /**
     * Keys that exclude each other in one mapping: {@code action} and {@code tcc} in a step, {@code postgres} and
     * {@code mariadb} in a CacheSync source, {@code hash} and {@code json} in its value.
     */
    public static final String CONFLICTING_KEYS = "conflicting-keys";
    /**
     * A value outside what its key allows, where no more specific code applies: a count below 1, a circuit breaker's
     * {@code failureRatio} not in (0, 1], an empty list, an HTTP status that cannot mean success, an unknown
     * {@code deletes} policy.
     */
    public static final String BAD_VALUE = "bad-value";

    /** A participant without exactly one of {@code http} or {@code kafka}. */
    public static final String BAD_PARTICIPANT = "bad-participant";
    /**
     * A URL the engine cannot use: not an absolute http(s) URL (participants, check-back, notification target), or
     * not a {@code postgresql://} / {@code mariadb://} URL, or one with a password in it (CacheSync source).
     */
    public static final String BAD_URL = "bad-url";
    /** A Kafka topic name Kafka would refuse. */
    public static final String BAD_TOPIC = "bad-topic";
    /** A retry policy value out of range, or maxDelay shorter than initialDelay. */
    public static final String BAD_RETRY = "bad-retry";
    /** Not a duration ({@code 150ms}, {@code 2s}, {@code 5m}, {@code 1h}), or zero where a timeout is expected. */
    public static final String BAD_DURATION = "bad-duration";

    /** A name of an environment variable (a secret's) that a shell could not define. */
    public static final String BAD_ENV_NAME = "bad-env-name";

    /** A CacheSync table that is not {@code schema.table} (PostgreSQL) or {@code database.table} (MariaDB). */
    public static final String BAD_TABLE = "bad-table";
    /** A CacheSync column name that is not a plain identifier, or listed twice. */
    public static final String BAD_COLUMN = "bad-column";
    /** A CacheSync key without a {@code ${column}} placeholder, or with one that is not a plain column name. */
    public static final String BAD_KEY_TEMPLATE = "bad-key-template";

    /** {@code spec.steps} is empty. */
    public static final String EMPTY_SAGA = "empty-saga";
    /** Two steps with the same name. */
    public static final String DUPLICATE_STEP = "duplicate-step";
    /** A step names a participant that {@code spec.participants} does not declare. */
    public static final String UNKNOWN_PARTICIPANT = "unknown-participant";
    /** An action or compensation that cannot be a command name (it ends up in a URL path and a Kafka header). */
    public static final String BAD_COMMAND = "bad-command";
    /** A {@code ${ jq }} string in a step's input that does not compile. */
    public static final String BAD_EXPRESSION = "bad-expression";
    /** Warning: a string that contains {@code ${} but is not one whole expression, so it is sent as written. */
    public static final String NOT_AN_EXPRESSION = "not-an-expression";
    /** A TCC step's {@code tcc} mapping without all of {@code try}, {@code confirm} and {@code cancel}. */
    public static final String TCC_INCOMPLETE = "tcc-incomplete";
    /**
     * A parallel group with fewer than two branches, nested in another group, or with keys that belong to its
     * branches ({@code participant}, {@code action}, ...).
     */
    public static final String BAD_PARALLEL = "bad-parallel";

    /** The checked values were refused by the model; a parser bug, reported instead of thrown. */
    public static final String INVALID_DOCUMENT = "invalid-document";
    /** The parser failed unexpectedly; a parser bug, reported instead of thrown. */
    public static final String INTERNAL_ERROR = "internal-error";

    private DiagnosticCodes() {
    }
}
