package io.sagaflow.engine.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL 15 instance of the test's own (never the machine's shared one on 5432): {@code initdb} into a
 * temporary directory, {@code pg_ctl} start/stop/restart on a free port bound to 127.0.0.1 only, with logical
 * decoding on for the outbox relay. Run as the {@code postgres} OS user when the test runs as root (PostgreSQL
 * refuses to run as root). {@link #close()} stops it immediately and deletes its directory; a JVM shutdown hook
 * does the same if the test JVM ends first.
 */
final class OwnPostgres implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    final int port = TestInfra.freePort();
    private final Path base;
    private final Path data;
    private final Path log;
    private final Thread cleanupOnExit = new Thread(this::destroy, "own-postgres-cleanup");

    private OwnPostgres() throws IOException, InterruptedException {
        if (!Files.isExecutable(BIN.resolve("initdb"))) {
            throw new IllegalStateException(BIN + "/initdb is missing: PostgreSQL 15 server binaries are needed");
        }
        base = Files.createTempDirectory("sagaflow-it-pg-");
        data = base.resolve("data");
        log = base.resolve("postgres.log");
        if (ROOT) {
            run(List.of("chown", "postgres:postgres", base.toString()), false);
        }
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
        run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust", "-U", "postgres",
                "-E", "UTF8", "--no-sync"), true);
    }

    /** initdb and start; returns when the server accepts connections. */
    static OwnPostgres start() {
        OwnPostgres pg = null;
        try {
            pg = new OwnPostgres();
            pg.startServer();
            return pg;
        } catch (Exception e) {
            if (pg != null) {
                pg.close();
            }
            throw new IllegalStateException("cannot start an own PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** {@code pg_ctl start -w}: returns when the server accepts connections. */
    void startServer() throws IOException, InterruptedException {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -k " + base
                + " -c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10";
        pgCtl("-D", data.toString(), "-o", options, "-l", log.toString(), "-w", "-t", "60", "start");
    }

    /** {@code pg_ctl stop -m fast -w}: ends every session (the engine's pools, its replication connection). */
    void stopServer() throws IOException, InterruptedException {
        pgCtl("-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    }

    String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    String reactiveUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    void execute(String database, String sql) {
        try (Connection c = connect(database); Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** The server's log, for failure messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Copies the server's log to {@code target} (kept after the instance is deleted). */
    void keepLog(Path target) {
        try {
            Files.createDirectories(target.getParent());
            Files.copy(log, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ignored) {
            // best effort
        }
    }

    @Override
    public void close() {
        destroy();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook runs anyway
        }
    }

    private synchronized void destroy() {
        if (Files.exists(data.resolve("postmaster.pid"))) {
            try {
                pgCtl("-D", data.toString(), "-m", "immediate", "-w", "-t", "30", "stop");
            } catch (Exception ignored) {
                // best effort: maybe already stopped
            }
        }
        try (Stream<Path> files = Files.walk(base)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: a temp dir
        }
    }

    private void pgCtl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BIN.resolve("pg_ctl").toString());
        cmd.addAll(List.of(args));
        run(cmd, true);
    }

    /** Runs a command (as the postgres OS user when asked and we are root); fails with its output. */
    private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (asPostgres && ROOT) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        Path out = Files.createTempFile("sagaflow-it-pg-cmd-", ".out");
        try {
            // the working directory must be readable by the postgres user
            Process p = new ProcessBuilder(cmd).directory(base.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " did not finish in 120 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n"
                        + Files.readString(out) + "\nserver log:\n" + logTail());
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
