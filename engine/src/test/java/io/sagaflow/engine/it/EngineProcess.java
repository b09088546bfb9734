package io.sagaflow.engine.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The packaged engine ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, so a test can kill it
 * with SIGKILL the way a crash would, and start another.
 */
final class EngineProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    private static final Duration READY_WITHIN = Duration.ofSeconds(240);

    final String name;
    final int port;
    private final boolean https;
    private final Process process;
    final Path log;

    private EngineProcess(String name, int port, boolean https, Process process, Path log) {
        this.name = name;
        this.port = port;
        this.https = https;
        this.process = process;
        this.log = log;
    }

    /** An engine on {@code infra}'s stack, with {@code extra} settings on top of its configuration. */
    static EngineProcess start(TestInfra infra, String name, Map<String, String> extra) throws Exception {
        Map<String, String> config = new java.util.HashMap<>(infra.engineConfig());
        config.putAll(extra);
        return start(infra.suffix, name, config);
    }

    /**
     * An engine with exactly {@code config} (as -D system properties; a key {@code env.NAME} goes to the process's
     * environment instead, as a secret would); its log goes to target/engine-processes. With
     * {@code quarkus.http.ssl-port} in {@code config}, it is reached (and probed for readiness) over HTTPS there.
     */
    static EngineProcess start(String runId, String name, Map<String, String> config) throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the ITs with 'mvn verify'");
        }
        int port = TestInfra.freePort();
        String sslPort = config.get("quarkus.http.ssl-port");
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("-Xmx512m");
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dsagaflow.node-id=" + name);
        if (!config.containsKey("sagaflow.security.enabled")) {
            cmd.add("-Dsagaflow.security.enabled=false");   // these tests are about faults, not logins (SecurityIT is)
        }
        config.forEach((k, v) -> {
            if (!k.startsWith("env.")) {
                cmd.add("-D" + k + "=" + v);
            }
        });
        cmd.add("-jar");
        cmd.add(JAR.toString());
        Path log = Path.of("target/engine-processes/" + runId + "-" + name + ".log");
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        config.forEach((k, v) -> {
            if (k.startsWith("env.")) {
                builder.environment().put(k.substring(4), v);
            }
        });
        Process process = builder.start();
        EngineProcess engine = sslPort == null ? new EngineProcess(name, port, false, process, log)
                : new EngineProcess(name, Integer.parseInt(sslPort), true, process, log);
        try {
            engine.awaitReady();
        } catch (Exception e) {
            engine.close();
            throw e;
        }
        return engine;
    }

    /** Lines of the engine's log that contain {@code text}. */
    List<String> logLines(String text) {
        try {
            return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The engine's process id (for jcmd, say). */
    long pid() {
        return process.pid();
    }

    String baseUri() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port;
    }

    private void awaitReady() throws Exception {
        // Readiness only: the test itself checks the certificate.
        HttpClient http = https ? HttpClient.newBuilder().sslContext(trustingAnything()).build() : HttpClient.newHttpClient();
        // Generous: on 2 shared, busy cores a JVM start was seen to take 123 s.
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("engine " + name + " exited; log: " + log.toAbsolutePath()
                        + "\n" + tail());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUri() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("engine " + name + " not ready after " + READY_WITHIN.toSeconds() + " s; log: "
                + log.toAbsolutePath());
    }

    private static javax.net.ssl.SSLContext trustingAnything() throws Exception {
        javax.net.ssl.X509TrustManager any = new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {any}, new java.security.SecureRandom());
        return context;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed, like a crash. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (Exception e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

}
