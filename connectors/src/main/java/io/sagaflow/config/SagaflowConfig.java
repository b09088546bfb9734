package io.sagaflow.config;

import io.sagaflow.wire.KafkaHeader;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Every Sagaflow setting, under {@code sagaflow.}. Defaults point at the local services that
 * {@code scripts/infra.sh up} starts, so the engine runs with no flags. The reference is docs/configuration.md.
 */
@ConfigMapping(prefix = "sagaflow")
public interface SagaflowConfig {

    /** Name of this engine node, shown at GET /api/nodes; defaults to host name and process id. */
    Optional<String> nodeId();

    /** Kafka settings shared by the engine's consumers and producers. */
    Kafka kafka();

    /** The outbox relay: Debezium embedded reading the outbox table's inserts and producing them to Kafka. */
    Relay relay();

    /** Where replies from participants arrive. */
    Replies replies();

    /** The HTTP connector: takes commands for HTTP participants from Kafka, calls them, publishes the reply. */
    HttpConnector httpConnector();

    /** Durable timers (retries with backoff, step timeouts). */
    Timers timers();

    /** Flow documents. */
    Flows flows();

    /** Engine nodes: heartbeats and the list at GET /api/nodes. */
    Nodes nodes();

    /** CacheSync documents: a table kept in Redis from its database's change stream. */
    CacheSync cacheSync();

    /** The dead-letter store: what the engine or a connector gave up on (docs/dead-letters.md). */
    DeadLetters deadLetters();

    /** Reliable two-phase messages ({@code kind: Message}): the check-back poller (docs/messages.md). */
    Messages messages();

    interface Messages {
        /** Whether this node runs check-backs; any number of nodes may, each message is checked by one at a time. */
        @WithDefault("true")
        boolean checkBackEnabled();

        /** How long the check-back poller sleeps when no check-back is due. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Check-backs claimed, and called in parallel, per poll. */
        @WithDefault("16")
        int batchSize();

        /**
         * Limit of one check-back call. The claim's lease is the flow's {@code every} but never shorter than this,
         * so no other node checks the same message while a call is still running.
         */
        @WithDefault("5s")
        Duration checkTimeout();
    }

    /** Best-effort notifications ({@code kind: Notification}, docs/notifications.md). */
    Notifications notifications();

    interface Notifications {
        /** Whether this node delivers notifications (claims due ones from the table all nodes share). */
        @WithDefault("true")
        boolean enabled();

        /** Sleep of the delivery poller when nothing was due, or the rate limit held the due ones back. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Due notifications claimed per poll (per claim transaction). */
        @WithDefault("64")
        int batchSize();

        /** Limit of one delivery request, connect to answer; longer counts as a failed attempt. */
        @WithDefault("10s")
        Duration requestTimeout();

        /**
         * Added to {@code request-timeout} to form an attempt's lease: a claimed attempt whose outcome is not
         * recorded by then (its node stopped) is repeated once by any node.
         */
        @WithDefault("5s")
        Duration leaseMargin();

        /** Delivery requests in flight at once per node. */
        @WithDefault("32")
        int concurrency();

        /**
         * Burst of a flow's rate limit, as time at the limit's rate: a target's token bucket holds the permits of
         * this long (at least one), so any window of {@code per} sees at most {@code permits} plus this burst.
         */
        @WithDefault("100ms")
        Duration rateBurst();

        /**
         * Signing secrets by environment variable name ({@code sagaflow.notifications.secrets.MERCHANT_SECRET}),
         * used when that variable is not set: for tests, or secrets from another configuration source.
         */
        Map<String, String> secrets();
    }

    interface DeadLetters {
        /** Topic every change of the store is mirrored to (through the outbox, never by a second write). */
        @WithDefault("sagaflow.dead-letters")
        String topic();

        /**
         * Times a reply that can be read but not applied is tried before it is dead-lettered, so one poison record
         * never blocks its partition. Failures that look like a lost database connection are retried without limit.
         */
        @WithDefault("3")
        int poisonAttempts();
    }

    /** Who may call the API and the dashboard, and as what (docs/security.md). */
    Security security();

    /** Limits of the REST API (issue 12). */
    Api api();

    interface Api {
        /**
         * Largest request body, in bytes, of every API call but a flow deployment ({@code sagaflow.flows.max-bytes});
         * over it: 413. ({@code quarkus.http.limits.max-body-size}, 4M, bounds every body, also one sent in chunks.)
         */
        @WithDefault("1048576")
        int maxBodyBytes();
    }

    interface Security {
        /**
         * Require a login for the API, its streams and the dashboard. Off, anyone who reaches the port may do
         * anything (a test rig); actions are then recorded as done by {@code anonymous}.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * Users who log in with a password (dashboard form, or HTTP Basic for scripts), e.g.
         * {@code sagaflow.security.users.ann.password-hash=pbkdf2-sha256:...} and {@code .roles=operator}.
         */
        Map<String, User> users();

        /**
         * API tokens for scripts, the CLI, participants and producers ({@code Authorization: Bearer <token>}), by a
         * name that the audit shows, e.g. {@code sagaflow.security.tokens.shop.hash=sha256:<hex>},
         * {@code .roles=starter}, {@code .flows=order-checkout,loyalty-points}.
         */
        Map<String, Token> tokens();

        /**
         * The key that signs dashboard session cookies (at least 32 characters; from the environment or a file).
         * Absent, each node makes a random one at start: sessions then end with a restart and hold on one node only.
         */
        Optional<String> sessionSecret();

        /** How long a dashboard login lasts. */
        @WithDefault("8h")
        Duration sessionTtl();

        /**
         * Changes (POST, PUT, DELETE) a principal may make a second; over it: 429 with {@code Retry-After}. A user
         * or token may have its own ({@code .writes-per-second}). Applies to authenticated principals.
         */
        @WithDefault("50")
        double writesPerSecond();

        /** Changes a principal may make at once before {@code writes-per-second} applies. */
        @WithDefault("100")
        int writeBurst();

        /**
         * Whether {@code /q/metrics} answers without a login (a Prometheus scrape inside a closed network). Off, it
         * needs a viewer: scrape with an API token ({@code authorization.credentials} in Prometheus).
         */
        @WithDefault("false")
        boolean metricsPublic();

        /** Whether {@code /q/openapi} and {@code /q/swagger-ui} answer without a login. Off, they need a viewer. */
        @WithDefault("false")
        boolean openapiPublic();

        /**
         * Bearer JWTs from an identity provider (OIDC: Keycloak, Entra ID, Okta, Auth0 ...), beside the API tokens
         * and passwords. On when {@code issuer} is set; the signature is checked against {@code jwks-url} (the
         * provider's key set, fetched and cached) or {@code public-key-file} (PEM).
         */
        Jwt jwt();

        /** How bearer JWTs are checked and read. */
        interface Jwt {
            /** The expected {@code iss}, e.g. {@code https://sso.example.com/realms/shop}; absent: JWTs are refused. */
            Optional<String> issuer();

            /** The provider's JWKS endpoint, e.g. {@code https://sso.example.com/realms/shop/protocol/openid-connect/certs}. */
            Optional<String> jwksUrl();

            /** A PEM public key (RSA or EC) instead of a key set. */
            Optional<java.nio.file.Path> publicKeyFile();

            /** The expected {@code aud}; absent: not checked. */
            Optional<String> audience();

            /**
             * The claim holding the roles (viewer, operator, admin, starter; other values are ignored): a list or a
             * space-separated string; a path with {@code /} for a nested one ({@code realm_access/roles} in Keycloak).
             */
            @WithDefault("groups")
            String rolesClaim();

            /** The claim naming the caller in the audit ({@code sub} when absent from a token). */
            @WithDefault("preferred_username")
            String nameClaim();

            /** For a starter: the claim listing the flows it may start. */
            @WithDefault("sagaflow_flows")
            String flowsClaim();

            /** Clock difference tolerated on {@code exp} and {@code nbf}. */
            @WithDefault("30s")
            Duration clockSkew();
        }

        /** A user who logs in with a password. */
        interface User {
            /** {@code pbkdf2-sha256:<iterations>:<salt base64>:<hash base64>} (make one: {@code sagaflow hash-password}). */
            String passwordHash();

            /** viewer, operator, admin, starter (comma-separated). */
            java.util.List<String> roles();

            /** For a starter: the flows it may start; empty: none. */
            Optional<java.util.List<String>> flows();

            /** This user's own {@code writes-per-second} (its burst: twice that). */
            Optional<Double> writesPerSecond();
        }

        /** An API token. */
        interface Token {
            /** {@code sha256:<hex of the token's SHA-256>}: the token itself is never stored. */
            String hash();

            /** viewer, operator, admin, starter (comma-separated). */
            java.util.List<String> roles();

            /** For a starter: the flows it may start; empty: none. */
            Optional<java.util.List<String>> flows();

            /** This token's own {@code writes-per-second} (its burst: twice that), e.g. a busy producer's. */
            Optional<Double> writesPerSecond();
        }
    }

    /** Tracing (docs/tracing.md); the engine's TracingSwitch reads it when the configuration is built. */
    Tracing tracing();

    interface Tracing {
        /** The OTLP endpoint spans go to; set, it turns tracing on. */
        Optional<String> otlpEndpoint();
    }

    /** How long finished work is kept (SPEC §7), and the sweeper that removes it afterwards (docs/retention.md). */
    Retention retention();

    interface Retention {
        /** Sweep at all; off, nothing is ever removed. */
        @WithDefault("true")
        boolean enabled();

        /**
         * How long a finished saga (COMPLETED, COMPENSATED), message (DELIVERED, ROLLED_BACK), notification (DELIVERED,
         * GAVE_UP without an open dead letter) and settled dead letter (REDRIVEN, RESOLVED, with its redrive audit) is
         * kept after it finished. FAILED sagas, open dead letters and anything still running are never removed.
         */
        @WithDefault("30d")
        Duration keep();

        /** Per flow name: a keep period other than {@link #keep()}, e.g. {@code sagaflow.retention.flows."order-checkout"=7d}. */
        Map<String, Duration> flows();

        /** How often a node looks for expired rows (every node sweeps; rows are claimed with SKIP LOCKED). */
        @WithDefault("1m")
        Duration every();

        /** Rows removed per transaction: small batches hold their locks briefly. */
        @WithDefault("500")
        int batchSize();

        /**
         * When set, every removed saga, message, notification and dead letter is first written, as one JSON record
         * with its events (or attempts, or redrives), to this Kafka topic through the outbox, in the transaction
         * that deletes it: nothing is deleted without its archive record.
         */
        Optional<String> archiveTopic();

        /**
         * A replication slot of this engine (the relay's, a CacheSync's on the engine's database) that retains more
         * WAL than this makes readiness DOWN (and shows in {@code sagaflow.replication.slot.retained.bytes}).
         */
        @WithDefault("2147483648")
        long maxSlotWalBytes();
    }

    interface CacheSync {
        /** Whether this node runs deployed CacheSync documents (each one on exactly one node at a time). */
        @WithDefault("true")
        boolean enabled();

        /** Prefix of the replication slot, publication and offset / schema-history tables of each sync. */
        @WithDefault("sagaflow_cs_")
        String slotPrefix();

        /** Prefix of the Redis keys Sagaflow keeps for a sync: {@code <prefix><name>:pos} and {@code :marker}. */
        @WithDefault("sagaflow:cachesync:")
        String redisPrefix();

        /** Debezium's poll.interval.ms. */
        @WithDefault("10ms")
        Duration pollInterval();

        /** How often applied positions are stored; a crash re-applies at most this much (older changes are ignored). */
        @WithDefault("1s")
        Duration offsetFlushInterval();

        /** How often a node checks or tries to take a sync's ownership (a PostgreSQL advisory lock per sync). */
        @WithDefault("1s")
        Duration leadershipCheck();

        /** How often the owner checks that Redis still holds the sync's marker key (absent: Redis lost its data). */
        @WithDefault("1s")
        Duration markerCheck();

        /** Rows (and Redis keys) compared per page during a reconcile. */
        @WithDefault("500")
        int reconcilePageSize();

        /** Readiness reports DOWN when a sync's lag (commit to applied in Redis) passes this. */
        @WithDefault("30s")
        Duration maxLag();
    }

    interface Nodes {
        /** How often this node records its heartbeat (a step timeout fires one to two heartbeats after it is due). */
        @WithDefault("1s")
        Duration heartbeat();

        /** A node without a heartbeat for this long is listed as dead. */
        @WithDefault("10s")
        Duration deadAfter();
    }

    interface Kafka {
        /** Bootstrap servers of the Kafka cluster. */
        @WithDefault("${kafka.bootstrap.servers:127.0.0.1:9092}")
        String bootstrapServers();

        /** Partitions of the topics the engine creates (replies, HTTP commands, participant topics). */
        @WithDefault("6")
        int partitions();
    }

    interface Relay {
        /** Whether this node runs the outbox relay. */
        @WithDefault("true")
        boolean enabled();

        /** PostgreSQL logical replication slot of the relay; one per engine database. */
        @WithDefault("sagaflow_outbox")
        String slot();

        /** PostgreSQL publication of the outbox table (inserts only). */
        @WithDefault("sagaflow_outbox")
        String publication();

        /**
         * Whether the node that leads the relay sends the saga commands it decides itself, right after the commit,
         * the relay publishing only what such a send did not get acknowledged (ARCHITECTURE.md, "Direct sends");
         * false: every record waits for the relay (one WAL decoding and Debezium poll later, ~10 ms of a step). On
         * by default since the reply consumer keeps batches in flight (docs/performance.md, "Batches in flight").
         */
        @WithDefault("true")
        boolean directSend();

        /**
         * How long a change waits in Debezium's queue for a batch to fill (Debezium's poll.interval.ms): the floor of
         * the relay's latency. Debezium spins for the last millisecond of every interval, so an idle relay costs about
         * 1 ms / interval of a core; its default 500 ms would add half a second per relayed record.
         */
        @WithDefault("10ms")
        Duration pollInterval();

        /** How often relayed positions are flushed to the offset table; a crash replays at most this much. */
        @WithDefault("1s")
        Duration offsetFlushInterval();

        /** How often a node checks or tries to take the relay's leadership (a PostgreSQL advisory lock). */
        @WithDefault("1s")
        Duration leadershipCheck();

        /** Table where Debezium keeps its offsets (created by Debezium). */
        @WithDefault("sagaflow_relay_offsets")
        String offsetTable();
    }

    interface Replies {
        /** Topic participants reply on (header sagaflow-reply-to; SPEC §5's default). */
        @WithDefault(KafkaHeader.DEFAULT_REPLY_TOPIC)
        String topic();

        /** Consumer group of the engine's reply consumer. */
        @WithDefault("sagaflow-engine")
        String group();

        /**
         * Replies applied in one transaction. Larger batches mean fewer commits; every command a batch decides
         * waits for the batch's commit, so larger batches also mean more latency.
         */
        @WithDefault("32")
        int batchSize();

        /** Reply consumers (threads) per node; partitions are spread over them and applied in parallel. */
        @WithDefault("2")
        int consumers();

        /**
         * Batches a reply consumer keeps in flight: while one batch's transaction runs, the consumer polls the next
         * and starts it, and commits offsets only for the batches that ended, in order. 1 applies a poll, commits its
         * offset and only then polls again.
         */
        @WithDefault("2")
        int inFlight();

        /**
         * States of running sagas this node keeps after committing them, so a reply does not replay the saga's history
         * (checked against the saga row's {@code last_seq} under its lock: never stale). 0 turns it off.
         */
        @WithDefault("4096")
        int stateCacheSize();
    }

    interface HttpConnector {
        /** Whether this node runs the HTTP connector. */
        @WithDefault("true")
        boolean enabled();

        /** Topic the engine sends HTTP participants' commands to. */
        @WithDefault("sagaflow.http.commands")
        String topic();

        /** Consumer group of the HTTP connector. */
        @WithDefault("sagaflow-http-connector")
        String group();

        /** HTTP calls in flight at once per node. */
        @WithDefault("32")
        int concurrency();
    }

    interface Timers {
        /** How long the timer poller sleeps when no timer is due. */
        @WithDefault("100ms")
        Duration pollInterval();

        /** Timers claimed and fired in one transaction. */
        @WithDefault("64")
        int batchSize();

        /**
         * Longest a step timeout waits past its due time while its command's path was not shown up at that time (a
         * dead node's partitions move only after Kafka's session timeout, 10 s; a relay failover; a database
         * restart); after that it fires anyway.
         */
        @WithDefault("2m")
        Duration timeoutDeferralMax();
    }

    interface Flows {
        /** A directory whose *.yaml documents are deployed at start (the sample flows, for the demo). */
        Optional<String> deployDir();

        /** Largest accepted document, in bytes. */
        @WithDefault("1048576")
        int maxBytes();
    }
}
