package io.sagaflow.engine.live;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.pubsub.PgSubscriber;
import io.vertx.pgclient.PgConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * This node's one window on saga changes: ONE {@code LISTEN} connection on {@link #CHANNEL}, whatever the number of
 * open dashboards, fanned out to the streams of this node. {@code SagaStore} notifies the ids of the sagas a
 * transaction changed, at its commit. The connection reconnects by itself (every second); a notification sent while
 * it was away is lost, so every (re)subscription tells the listeners to re-read once ({@link Listener#resync}):
 * nothing is polled while nothing happens.
 */
@ApplicationScoped
public class ChangeFeed {

    /** The channel {@code SagaStore} notifies: comma-separated saga ids. */
    public static final String CHANNEL = io.sagaflow.engine.saga.SagaStore.CHANGE_CHANNEL;

    /** What a follower is told: the ids of changed sagas, or to re-read everything after a reconnect. */
    public interface Listener {
        void changed(Set<UUID> ids);

        void resync();
    }

    private static final Logger LOG = Logger.getLogger(ChangeFeed.class);

    private final Vertx vertx;
    private final PgConnectOptions options;
    private final Set<Listener> listeners = new CopyOnWriteArraySet<>();
    private volatile PgSubscriber subscriber;
    private volatile long received;

    public ChangeFeed(Vertx vertx, @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
                      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
                      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.vertx = vertx;
        PgConnectOptions o = PgConnectOptions.fromUri(url.startsWith("vertx-reactive:") ? url.substring(15) : url);
        user.ifPresent(o::setUser);
        password.ifPresent(o::setPassword);
        this.options = o;
    }

    void start(@Observes StartupEvent ignored) {
        PgSubscriber s = PgSubscriber.subscriber(vertx, options).reconnectPolicy(retries -> 1000L);
        s.channel(CHANNEL).handler(this::announce).subscribeHandler(this::resync);
        s.closeHandler(() -> LOG.debug("change feed connection closed; reconnecting"));
        subscriber = s;
        s.connect().subscribe().with(ok -> LOG.debugf("listening on %s", CHANNEL),
                failure -> LOG.warnf("change feed: first LISTEN failed (%s); retrying", failure.toString()));
    }

    void stop(@Observes ShutdownEvent ignored) {
        PgSubscriber s = subscriber;
        if (s != null) {
            s.closeAndAwait();
        }
    }

    private void announce(String payload) {
        received++;
        Set<UUID> ids;
        try {
            ids = Arrays.stream(payload.split(",")).filter(p -> !p.isBlank()).map(UUID::fromString)
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IllegalArgumentException e) {
            LOG.warnf("change feed: ignored a payload that is not saga ids: %.80s", payload);
            return;
        }
        for (Listener l : listeners) {
            try {
                l.changed(ids);
            } catch (RuntimeException e) {
                LOG.warn("change feed listener failed", e);
            }
        }
    }

    /** (Re)subscribed: what was announced meanwhile is unknown, so every follower re-reads once. */
    private void resync() {
        for (Listener l : listeners) {
            try {
                l.resync();
            } catch (RuntimeException e) {
                LOG.warn("change feed listener failed", e);
            }
        }
    }

    /** Tells {@code listener} of each notification and each reconnect until the returned handle is closed. */
    public AutoCloseable listen(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * A stream that follows one saga: {@code read} runs at once, whenever a notification names the saga, and after a
     * reconnect of the feed; two reads never overlap (a notice during a read causes one more read after it).
     * {@code read} emits what is new to the consumer it is given and answers true when the stream is done.
     */
    public <T> io.smallrye.mutiny.Multi<T> follow(UUID sagaId,
                                                 java.util.function.Function<Consumer<T>, io.smallrye.mutiny.Uni<Boolean>> read) {
        return io.smallrye.mutiny.Multi.createFrom().emitter(em -> {
            java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean again = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable[] pass = new Runnable[1];
            pass[0] = () -> {
                if (done.get()) {
                    return;
                }
                if (!reading.compareAndSet(false, true)) {
                    again.set(true);
                    return;
                }
                again.set(false);
                read.apply(em::emit).subscribe().with(finished -> {
                    reading.set(false);
                    if (finished) {
                        done.set(true);
                        em.complete();
                    } else if (again.get()) {
                        pass[0].run();
                    }
                }, failure -> {
                    reading.set(false);
                    done.set(true);
                    em.fail(failure);
                });
            };
            AutoCloseable listening = listen(new Listener() {
                @Override
                public void changed(Set<UUID> ids) {
                    if (ids.contains(sagaId)) {
                        pass[0].run();
                    }
                }

                @Override
                public void resync() {
                    pass[0].run();
                }
            });
            em.onTermination(() -> {
                done.set(true);
                closeQuietly(listening);
            });
            pass[0].run();
        });
    }

    /**
     * Every saga id announced on this node, gathered per {@code window} (nothing is sent for a quiet window): what
     * list and overview pages follow to know when to re-read. An empty set means "re-read everything" (the feed
     * reconnected and may have missed notices).
     */
    public io.smallrye.mutiny.Multi<Set<UUID>> changes(java.time.Duration window) {
        return io.smallrye.mutiny.Multi.createFrom().emitter(em -> {
            Set<UUID> pending = java.util.concurrent.ConcurrentHashMap.newKeySet();
            java.util.concurrent.atomic.AtomicBoolean resync = new java.util.concurrent.atomic.AtomicBoolean();
            AutoCloseable listening = listen(new Listener() {
                @Override
                public void changed(Set<UUID> ids) {
                    pending.addAll(ids);
                }

                @Override
                public void resync() {
                    resync.set(true);
                }
            });
            long timer = vertx.setPeriodic(window.toMillis(), t -> {
                if (resync.getAndSet(false)) {
                    pending.clear();
                    em.emit(Set.of());
                } else if (!pending.isEmpty()) {
                    Set<UUID> batch = Set.copyOf(pending);
                    pending.removeAll(batch);
                    em.emit(batch);
                }
            });
            em.onTermination(() -> {
                vertx.cancelTimer(timer);
                closeQuietly(listening);
            });
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("closing a listener failed", e);
        }
    }

    /** Open listeners on this node (one per open live page). */
    public int listeners() {
        return listeners.size();
    }

    /** Notifications received since start. */
    public long received() {
        return received;
    }
}
