/*
 * The peer of issue 13's target 3: Apache Seata's saga state-machine engine (org.apache.seata:seata-saga-spring 2.2.0),
 * embedded in this JVM with its state log in PostgreSQL, driving the same three steps as Sagaflow's bench flow
 * (charge -> reserve -> capture, each with a compensation) against the same instant HTTP participants.
 *
 *   java -cp "$(cat peer-classpath)" bench/peer/SeataPeer.java JDBC_URL HTTP_BASE SAGAS CLIENTS WARMUP
 *
 * Seata's coordinator (TC) is not run: the engine's SagaTransactionalTemplate is replaced by a local one (LocalTx)
 * that hands out transaction and branch ids and reports nothing, so what is measured is the state-machine engine and
 * its state log (one row per saga in seata_state_machine_inst, one per state in seata_state_inst, each written as it
 * happens). CLIENTS threads each start a saga with engine.start(...), which runs it to its end synchronously (Seata's
 * default, enableAsync=false), then start the next. Prints key=value figures on stdout, like LoadGenerator.
 */

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.seata.core.model.BranchStatus;
import org.apache.seata.core.model.GlobalStatus;
import org.apache.seata.saga.engine.StateMachineEngine;
import org.apache.seata.saga.engine.config.DbStateMachineConfig;
import org.apache.seata.saga.engine.impl.ProcessCtrlStateMachineEngine;
import org.apache.seata.saga.engine.tm.SagaTransactionalTemplate;
import org.apache.seata.saga.statelang.domain.ExecutionStatus;
import org.apache.seata.saga.statelang.domain.ServiceTaskState;
import org.apache.seata.saga.statelang.domain.StateMachineInstance;
import org.apache.seata.tm.api.GlobalTransaction;
import org.apache.seata.tm.api.transaction.TransactionInfo;

public class SeataPeer {

    /** The state log's tables on PostgreSQL, after Seata's own script for it (prefix seata_). */
    static final String DDL = """
            CREATE TABLE IF NOT EXISTS seata_state_machine_def (
                id VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(128) NOT NULL, tenant_id VARCHAR(32) NOT NULL,
                app_name VARCHAR(32) NOT NULL, type VARCHAR(20), comment_ VARCHAR(255), ver VARCHAR(16) NOT NULL,
                gmt_create TIMESTAMP(3) NOT NULL, status VARCHAR(2) NOT NULL, content TEXT, recover_strategy VARCHAR(16));
            CREATE TABLE IF NOT EXISTS seata_state_machine_inst (
                id VARCHAR(128) NOT NULL PRIMARY KEY, machine_id VARCHAR(32) NOT NULL, tenant_id VARCHAR(32) NOT NULL,
                parent_id VARCHAR(128), gmt_started TIMESTAMP(3) NOT NULL, business_key VARCHAR(48), start_params TEXT,
                gmt_end TIMESTAMP(3), excep BYTEA, end_params TEXT, status VARCHAR(2), compensation_status VARCHAR(2),
                is_running BOOLEAN, gmt_updated TIMESTAMP(3) NOT NULL, UNIQUE (business_key, tenant_id));
            CREATE TABLE IF NOT EXISTS seata_state_inst (
                id VARCHAR(48) NOT NULL, machine_inst_id VARCHAR(128) NOT NULL, name VARCHAR(128) NOT NULL,
                type VARCHAR(20), service_name VARCHAR(128), service_method VARCHAR(128), service_type VARCHAR(16),
                business_key VARCHAR(48), state_id_compensated_for VARCHAR(50), state_id_retried_for VARCHAR(50),
                gmt_started TIMESTAMP(3) NOT NULL, is_for_update BOOLEAN, input_params TEXT, output_params TEXT,
                status VARCHAR(2) NOT NULL, excep BYTEA, gmt_updated TIMESTAMP(3), gmt_end TIMESTAMP(3),
                PRIMARY KEY (id, machine_inst_id));
            """;

    /** Sagaflow's bench-three-steps in Seata's state language: three HTTP service tasks, each with its compensation. */
    static final String FLOW = """
            {
              "Name": "benchThreeSteps", "Comment": "bench/peer: charge -> reserve -> capture", "Version": "1",
              "StartState": "Charge",
              "States": {
                "Charge":  {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "payments", "ServiceMethod": "charge",
                            "CompensateState": "Refund", "Next": "Reserve", "IsForUpdate": true, "Input": ["$.[orderId]"],
                            "Catch": [{"Exceptions": ["java.lang.Throwable"], "Next": "Compensate"}]},
                "Reserve": {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "inventory", "ServiceMethod": "reserve",
                            "CompensateState": "Release", "Next": "Capture", "IsForUpdate": true, "Input": ["$.[orderId]"],
                            "Catch": [{"Exceptions": ["java.lang.Throwable"], "Next": "Compensate"}]},
                "Capture": {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "payments", "ServiceMethod": "capture",
                            "CompensateState": "RefundCapture", "Next": "Done", "IsForUpdate": true, "Input": ["$.[orderId]"],
                            "Catch": [{"Exceptions": ["java.lang.Throwable"], "Next": "Compensate"}]},
                "Refund":        {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "payments", "ServiceMethod": "refund",
                                  "Input": ["$.[orderId]"]},
                "Release":       {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "inventory", "ServiceMethod": "release",
                                  "Input": ["$.[orderId]"]},
                "RefundCapture": {"Type": "ServiceTask", "ServiceType": "http", "ServiceName": "payments", "ServiceMethod": "refund-capture",
                                  "Input": ["$.[orderId]"]},
                "Compensate": {"Type": "CompensationTrigger", "Next": "Failed"},
                "Done":   {"Type": "Succeed"},
                "Failed": {"Type": "Fail", "ErrorCode": "FAILED", "Message": "compensated"}
              }
            }
            """;

    public static void main(String[] args) {
        try {
            measure(args);
        } catch (Throwable e) {
            // printed here: the source launcher's own report of an exception from main can fail and hide it
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void measure(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SeataPeer JDBC_URL HTTP_BASE SAGAS CLIENTS WARMUP");
            System.exit(2);
        }
        String jdbcUrl = args[0];
        String httpBase = args[1];
        int n = Integer.parseInt(args[2]);
        int clients = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);

        HikariConfig pool = new HikariConfig();
        pool.setJdbcUrl(jdbcUrl);
        pool.setUsername("postgres");
        pool.setMaximumPoolSize(clients + 2);
        try (HikariDataSource ds = new HikariDataSource(pool)) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                for (String ddl : DDL.split(";")) {
                    if (!ddl.isBlank()) {
                        st.execute(ddl);
                    }
                }
            }
            Path flow = Files.createTempFile("seata-peer-", ".json");
            Files.writeString(flow, FLOW);
            StateMachineEngine engine = engine(ds, flow, httpBase);

            run(engine, "warmup", warmup, clients);
            long cpu0 = cpuNanos();
            Result r = run(engine, "load", n, clients);
            long cpu = cpuNanos() - cpu0;
            long[] sorted = r.latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.println("peer=seata-saga-engine 2.2.0 (embedded, state log in PostgreSQL, no TC)");
            System.out.println("sagas=" + n);
            System.out.println("clients=" + clients);
            System.out.println("succeeded=" + r.succeeded.get());
            System.out.println("failed=" + r.failed.get());
            System.out.printf("wall_s=%.3f%n", r.wallNanos / 1e9);
            System.out.printf("sagas_per_s=%.1f%n", r.succeeded.get() / (r.wallNanos / 1e9));
            System.out.printf("saga_p50_ms=%.1f%n", percentile(sorted, 0.50));
            System.out.printf("saga_p99_ms=%.1f%n", percentile(sorted, 0.99));
            System.out.printf("cpu_s=%.1f%n", cpu / 1e9);
            System.out.printf("cpu_ms_per_saga=%.2f%n", cpu / 1e6 / Math.max(1, r.succeeded.get()));
            if (!r.errors.isEmpty()) {
                System.err.println("first failures: " + r.errors.stream().limit(3).toList());
            }
            System.exit(r.failed.get() == 0 ? 0 : 1);
        }
    }

    static StateMachineEngine engine(HikariDataSource ds, Path flow, String httpBase) throws Exception {
        DbStateMachineConfig config = new DbStateMachineConfig();
        config.setDataSource(ds);
        config.setApplicationId("sagaflow-bench-peer");
        config.setTxServiceGroup("sagaflow-bench-peer");
        config.setResources(new String[] {"file:" + flow});
        config.setSagaTransactionalTemplate(new LocalTx());
        config.setSagaJsonParser("jackson");   // fastjson, the default, is not on the class path
        config.afterPropertiesSet();
        config.getServiceInvokerManager().putServiceInvoker("http", new HttpInvoker(httpBase));
        ProcessCtrlStateMachineEngine engine = new ProcessCtrlStateMachineEngine();
        engine.setStateMachineConfig(config);
        return engine;
    }

    record Result(List<Long> latencies, AtomicInteger succeeded, AtomicInteger failed, List<String> errors,
                  long wallNanos) {
    }

    static Result run(StateMachineEngine engine, String prefix, int n, int clients) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(clients);
        long t0 = System.nanoTime();
        for (int t = 0; t < clients; t++) {
            Thread client = new Thread(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        Map<String, Object> params = new HashMap<>();
                        params.put("orderId", prefix + "-" + i);
                        long s = System.nanoTime();
                        try {
                            StateMachineInstance inst = engine.start("benchThreeSteps", null, params);
                            if (inst.getStatus() == ExecutionStatus.SU) {
                                ok.incrementAndGet();
                                latencies.add(System.nanoTime() - s);
                            } else {
                                failed.incrementAndGet();
                                errors.add(inst.getId() + " " + inst.getStatus() + " " + inst.getException());
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            errors.add(e.toString());
                        }
                    }
                } finally {
                    done.countDown();
                }
            }, "peer-client-" + t);
            client.start();
        }
        done.await();
        return new Result(new ArrayList<>(latencies), ok, failed, new ArrayList<>(errors), System.nanoTime() - t0);
    }

    /** POST {base}/{service}/{method} with the task's input as JSON; a 2xx is the task's success, its body the output. */
    static final class HttpInvoker implements org.apache.seata.saga.engine.invoker.ServiceInvoker {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;

        HttpInvoker(String base) {
            this.base = base;
        }

        @Override
        public Object invoke(ServiceTaskState task, Object... input) throws Throwable {
            String body = "{\"input\":\"" + Arrays.toString(input).replace("\"", "") + "\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/" + task.getServiceName() + "/"
                            + task.getServiceMethod())).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException(task.getServiceName() + "/" + task.getServiceMethod() + " answered "
                        + r.statusCode());
            }
            return r.body();
        }
    }

    /** Seata without its coordinator: local transaction and branch ids, nothing reported anywhere. */
    static final class LocalTx implements SagaTransactionalTemplate {
        private final AtomicLong branches = new AtomicLong();

        @Override
        public GlobalTransaction beginTransaction(TransactionInfo info) {
            String xid = "peer:" + java.util.UUID.randomUUID();
            return (GlobalTransaction) Proxy.newProxyInstance(SeataPeer.class.getClassLoader(),
                    new Class<?>[] {GlobalTransaction.class}, (proxy, method, margs) -> switch (method.getName()) {
                        case "getXid" -> xid;
                        case "getStatus", "getLocalStatus" -> GlobalStatus.Begin;
                        case "getCreateTime" -> System.currentTimeMillis();
                        case "toString" -> "LocalTx(" + xid + ")";
                        case "hashCode" -> xid.hashCode();
                        case "equals" -> proxy == margs[0];
                        default -> null;
                    });
        }

        @Override
        public GlobalTransaction reloadTransaction(String xid) {
            return beginTransaction(null);
        }

        @Override
        public void commitTransaction(GlobalTransaction tx) {
        }

        @Override
        public void rollbackTransaction(GlobalTransaction tx, Throwable cause) {
        }

        @Override
        public void reportTransaction(GlobalTransaction tx, GlobalStatus status) {
        }

        @Override
        public long branchRegister(String resourceId, String clientId, String xid, String applicationData,
                                   String lockKeys) {
            return branches.incrementAndGet();
        }

        @Override
        public void branchReport(String xid, long branchId, BranchStatus status, String applicationData) {
        }

        @Override
        public void triggerAfterCompletion(GlobalTransaction tx) {
        }

        @Override
        public void cleanUp(GlobalTransaction tx) {
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }
}
