/**
 * The wire vocabulary of SPEC §5, written once: the Kafka and HTTP header names of commands and replies
 * ({@link io.sagaflow.wire.KafkaHeader}, {@link io.sagaflow.wire.HttpHeader}), what a command asks
 * ({@link io.sagaflow.wire.CommandKind}), what a reply says ({@link io.sagaflow.wire.ReplyOutcome}) and the
 * Idempotency-Key formula ({@link io.sagaflow.wire.StepIdempotencyKey}). The engine, its connectors and the
 * participant SDK all spell the protocol through these, so they cannot drift apart.
 */
package io.sagaflow.wire;
