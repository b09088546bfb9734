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
    /** A kind the specification defines but this engine does not run yet. */
    public static final String UNSUPPORTED_KIND = "unsupported-kind";
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

    /** A participant without exactly one of {@code http} or {@code kafka}. */
    public static final String BAD_PARTICIPANT = "bad-participant";
    /** An HTTP participant URL that is not an absolute http(s) URL. */
    public static final String BAD_URL = "bad-url";
    /** A Kafka topic name Kafka would refuse. */
    public static final String BAD_TOPIC = "bad-topic";
    /** A retry policy value out of range, or maxDelay shorter than initialDelay. */
    public static final String BAD_RETRY = "bad-retry";
    /** Not a duration ({@code 150ms}, {@code 2s}, {@code 5m}, {@code 1h}), or zero where a timeout is expected. */
    public static final String BAD_DURATION = "bad-duration";

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
    /** A step form the specification defines but this engine does not run yet (parallel, TCC). */
    public static final String UNSUPPORTED_STEP = "unsupported-step";

    /** The checked values were refused by the model; a parser bug, reported instead of thrown. */
    public static final String INVALID_DOCUMENT = "invalid-document";
    /** The parser failed unexpectedly; a parser bug, reported instead of thrown. */
    public static final String INTERNAL_ERROR = "internal-error";

    private DiagnosticCodes() {
    }
}
