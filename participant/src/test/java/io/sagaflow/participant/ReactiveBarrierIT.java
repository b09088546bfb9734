package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReactiveBarrierIT extends BarrierContract {

    private static final int POOL_SIZE = 12;

    private Vertx vertx;
    private Pool pool;
    private ReactiveBarrier barrier;

    @Override
    protected void openFlavour() {
        vertx = Vertx.vertx();
        pool = PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost(TestDatabase.HOST).setPort(TestDatabase.PORT)
                        .setDatabase(db.name).setUser(TestDatabase.USER))
                .with(new PoolOptions().setMaxSize(POOL_SIZE))
                .using(vertx)
                .build();
        barrier = new ReactiveBarrier(pool);
    }

    @Override
    protected void closeFlavour() throws Exception {
        pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    protected CommandResult run(CommandContext ctx, Behaviour behaviour) throws Exception {
        return barrier.run(ctx, null, (c, input, tx) -> tx.query(effectSql(c)).execute()
                        .map(rows -> outcomeOf(c, behaviour))
                        .toCompletionStage())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void createsTheBarrierTableIdempotently() throws Exception {
        barrier.createTable().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(db.count("SELECT count(*) FROM sagaflow_barrier")).isZero();
    }
}
