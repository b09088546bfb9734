package io.sagaflow.participant;

import java.sql.Statement;

class JdbcBarrierIT extends BarrierContract {

    private JdbcBarrier barrier;

    @Override
    protected void openFlavour() {
        barrier = new JdbcBarrier(db.dataSource());
    }

    @Override
    protected void closeFlavour() {
    }

    @Override
    protected CommandResult run(CommandContext ctx, Behaviour behaviour) {
        return barrier.run(ctx, null, (c, input, tx) -> {
            try (Statement st = tx.createStatement()) {
                st.execute(effectSql(c));
            }
            return outcomeOf(c, behaviour);
        });
    }
}
