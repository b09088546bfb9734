package io.sagaflow.participant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reliable-message producer and its check-back on a fresh database, against a stand-in for the engine. */
class ReliableMessageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestDatabase db;
    private FakeEngine engine;
    private ReliableMessageProducer producer;
    private CheckBackHandler checkBack;

    @BeforeEach
    void start() throws Exception {
        db = new TestDatabase();
        try (Connection c = db.connect()) {
            CheckBackHandler.createTable(c);
        }
        db.execute("CREATE TABLE points (user_id text, points int)");
        engine = new FakeEngine();
        producer = new ReliableMessageProducer(engine.uri(), db.dataSource());
        checkBack = new CheckBackHandler(db.dataSource());
    }

    @AfterEach
    void stop() {
        engine.close();
        db.close();
    }

    private static void addPoints(Connection tx) throws SQLException {
        try (Statement st = tx.createStatement()) {
            st.execute("INSERT INTO points VALUES ('u1', 10)");
        }
    }

    @Test
    void committedLocalTransactionCommitsTheMessageAndChecksBackAsCommitted() throws Exception {
        String id = producer.send("points-granted", "u1", JSON.createObjectNode().put("points", 10),
                ReliableMessageIT::addPoints);

        assertThat(engine.calls).containsExactly("POST /api/messages", "POST /api/messages/" + id + "/commit");
        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.COMMITTED);
        assertThat(db.count("SELECT count(*) FROM points")).isEqualTo(1);
    }

    @Test
    void checkBackForAMessageWithoutLocalTransactionIsRolledBackForGood() throws Exception {
        String id = UUID.randomUUID().toString();

        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.ROLLED_BACK);
        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.ROLLED_BACK);
    }

    @Test
    void failingLocalTransactionRollsTheMessageBackAndRethrows() throws Exception {
        String id = UUID.randomUUID().toString();
        engine.nextId(id);

        assertThatThrownBy(() -> producer.send("points-granted", "u1", JSON.nullNode(), tx -> {
            addPoints(tx);
            throw new IllegalStateException("user is blocked");
        })).hasMessage("user is blocked");
        assertThat(engine.calls).containsExactly("POST /api/messages", "POST /api/messages/" + id + "/rollback");
        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.ROLLED_BACK);
        assertThat(db.count("SELECT count(*) FROM points")).isZero();
    }

    @Test
    void localTransactionCannotCommitAfterACheckBackJudgedItRolledBack() throws Exception {
        String id = UUID.randomUUID().toString();
        engine.nextId(id);
        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.ROLLED_BACK);

        assertThatThrownBy(() -> producer.send("points-granted", "u1", JSON.nullNode(), ReliableMessageIT::addPoints))
                .isInstanceOf(SQLException.class);
        assertThat(db.count("SELECT count(*) FROM points")).isZero();
        assertThat(engine.calls).contains("POST /api/messages/" + id + "/rollback");
        assertThat(checkBack.status(id)).isEqualTo(LocalTxStatus.ROLLED_BACK);
    }

    @Test
    void checkBackRacingAnOpenLocalTransactionWaitsAndSeesItCommit() throws Exception {
        assertThat(raceCheckBack(false)).isEqualTo(LocalTxStatus.COMMITTED);
        assertThat(db.count("SELECT count(*) FROM points")).isEqualTo(1);
    }

    @Test
    void checkBackRacingAnOpenLocalTransactionWaitsAndSeesItRollBack() throws Exception {
        assertThat(raceCheckBack(true)).isEqualTo(LocalTxStatus.ROLLED_BACK);
        assertThat(db.count("SELECT count(*) FROM points")).isZero();
    }

    /** Holds the producer's local transaction open, starts a check-back, then ends the transaction. */
    private LocalTxStatus raceCheckBack(boolean failLocalTransaction) throws Exception {
        String id = UUID.randomUUID().toString();
        engine.nextId(id);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        CompletableFuture<String> sending = CompletableFuture.supplyAsync(() -> {
            try {
                return producer.send("points-granted", "u1", JSON.nullNode(), tx -> {
                    addPoints(tx);
                    inside.countDown();
                    assertThat(proceed.await(30, TimeUnit.SECONDS)).isTrue();
                    if (failLocalTransaction) {
                        throw new IllegalStateException("user is blocked");
                    }
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<LocalTxStatus> checking = CompletableFuture.supplyAsync(() -> {
            try {
                return checkBack.status(id);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> db.waitingOnLocks() >= 1);
        assertThat(checking).isNotDone();

        proceed.countDown();
        LocalTxStatus status = checking.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(sending::isDone);
        assertThat(sending.isCompletedExceptionally()).isEqualTo(failLocalTransaction);
        return status;
    }

    @Test
    void checkBackAnswersOverHttpOnTheParticipantServer() throws Exception {
        String id = producer.send("points-granted", "u1", JSON.nullNode(), ReliableMessageIT::addPoints);
        try (HttpParticipantServer server = HttpParticipantServer.start(new InetSocketAddress("127.0.0.1", 0),
                new HttpParticipantHandler((ctx, input) -> CompletableFuture.completedFuture(
                        new CommandResult.Success(null)))).mountCheckBack(checkBack)) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> committed = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/tx-status?messageId=" + id)).GET().build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/tx-status?messageId=other")).GET().build(), HttpResponse.BodyHandlers.ofString());

            assertThat(committed.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(committed.body()).path("status").asText()).isEqualTo("COMMITTED");
            assertThat(JSON.readTree(unknown.body()).path("status").asText()).isEqualTo("ROLLED_BACK");
        }
    }
}
