/*
 * Load client of bench/run.sh (JDK classes only; run with the JDK's source launcher):
 *
 *   java bench/LoadGenerator.java URL FLOW N CONCURRENCY KEY_PREFIX [TIMEOUT_SECONDS [RATE [follow]]]
 *
 * Starts N sagas of FLOW with POST URL/api/sagas from CONCURRENCY threads (each waits for its answer before
 * sending the next start; every start carries Idempotency-Key KEY_PREFIX-<i> and input
 * {"orderId": "KEY_PREFIX-<i>", "amount": <1..100>}), then polls GET URL/api/sagas?status=RUNNING&flow=FLOW&limit=1
 * (and COMPENSATING) every 250 ms until neither has an item. Prints key=value lines on stdout (progress on
 * stderr); exit 0 when every start answered 201 and every saga ended, 1 when some start failed, 3 on timeout.
 * With RATE > 0, start i is not sent before i / RATE seconds after the first: an even rate of starts (as long as
 * CONCURRENCY threads keep up), e.g. to measure the step overhead at half the peak (issue 13, target 2).
 * With "follow", each thread, after its start answered 201, reads the saga's event stream
 * (GET URL/api/sagas/{id}/stream, which ends after SagaCompleted or SagaCompensated) to its end before it starts the
 * next one: CONCURRENCY clients that each wait for their saga's end, at most CONCURRENCY sagas at once (a closed
 * loop, how the peer of bench/peer is driven; issue 13, target 3).
 */

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

public class LoadGenerator {

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: java bench/LoadGenerator.java URL FLOW N CONCURRENCY KEY_PREFIX [TIMEOUT_SECONDS [RATE [follow]]]");
            System.exit(2);
        }
        String url = args[0].replaceAll("/+$", "");
        String flow = args[1];
        int n = Integer.parseInt(args[2]);
        int c = Math.max(1, Math.min(Integer.parseInt(args[3]), n));
        String prefix = args[4];
        long timeoutMs = (args.length > 5 ? Long.parseLong(args[5]) : 900) * 1000;
        double rate = args.length > 6 ? Double.parseDouble(args[6]) : 0;
        boolean follow = args.length > 7 && args[7].equals("follow");
        java.util.regex.Pattern idInBody = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([0-9a-f-]{36})\"");

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastStartAnswered = new AtomicLong();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        long[] latencyNanos = new long[n];
        Arrays.fill(latencyNanos, -1);

        long cpuAtStart = cpuNanos();
        long firstStartMs = System.currentTimeMillis();
        long firstStartNanos = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < c; w++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < n) {
                    if (rate > 0) {
                        long due = firstStartNanos + (long) (i * 1e9 / rate);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            try {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                    String key = prefix + "-" + i;
                    String body = "{\"flow\":\"" + flow + "\",\"input\":{\"orderId\":\"" + key + "\",\"amount\":"
                            + (i % 100 + 1) + "}}";
                    HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/sagas"))
                            .timeout(Duration.ofSeconds(60))
                            .header("Content-Type", "application/json")
                            .header("Idempotency-Key", key)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                        latencyNanos[i] = System.nanoTime() - t0;
                        if (response.statusCode() == 201) {
                            ok.incrementAndGet();
                            if (follow) {
                                java.util.regex.Matcher id = idInBody.matcher(response.body());
                                if (!id.find()) {
                                    throw new IllegalStateException("no saga id in " + abbreviate(response.body()));
                                }
                                HttpResponse<java.util.stream.Stream<String>> stream = client.send(
                                        HttpRequest.newBuilder(URI.create(url + "/api/sagas/" + id.group(1) + "/stream"))
                                                .timeout(Duration.ofSeconds(120)).header("Accept", "text/event-stream")
                                                .GET().build(), HttpResponse.BodyHandlers.ofLines());
                                try (java.util.stream.Stream<String> lines = stream.body()) {
                                    lines.forEach(line -> { });   // to the stream's end: the saga's end
                                }
                            }
                        } else {
                            failed.incrementAndGet();
                            failures.add(response.statusCode() + " " + abbreviate(response.body()));
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                        failures.add(e.toString());
                    }
                    lastStartAnswered.accumulateAndGet(System.currentTimeMillis(), Math::max);
                }
            }, "start-" + w);
            t.start();
            workers.add(t);
        }
        Thread progress = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(5000);
                    System.err.printf("  ... %d/%d started (%d failed), %.0f s%n", ok.get(), n, failed.get(),
                            (System.nanoTime() - firstStartNanos) / 1e9);
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        progress.setDaemon(true);
        progress.start();
        for (Thread t : workers) {
            t.join();
        }
        progress.interrupt();
        long startsDoneMs = System.currentTimeMillis();
        System.err.printf("  %d starts answered in %.1f s (%d failed); waiting for the sagas to end%n", n,
                (startsDoneMs - firstStartMs) / 1000.0, failed.get());

        // Poll until no saga of the flow is RUNNING or COMPENSATING.
        int polls = 0;
        boolean done = false;
        long deadline = firstStartMs + timeoutMs;
        long lastReport = System.currentTimeMillis();
        while (System.currentTimeMillis() < deadline) {
            polls++;
            boolean running = hasAny(client, url, flow, "RUNNING");
            if (!running) {
                polls++;
                if (!hasAny(client, url, flow, "COMPENSATING")) {
                    done = true;
                    break;
                }
            }
            if (System.currentTimeMillis() - lastReport >= 5000) {
                lastReport = System.currentTimeMillis();
                System.err.printf("  ... still running after %.0f s%n", (lastReport - firstStartMs) / 1000.0);
            }
            Thread.sleep(250);
        }
        long allDoneMs = System.currentTimeMillis();

        long[] sorted = Arrays.stream(latencyNanos).filter(v -> v >= 0).sorted().toArray();
        System.out.println("n=" + n);
        System.out.println("concurrency=" + c);
        System.out.println("rate=" + rate);
        System.out.println("starts_ok=" + ok.get());
        System.out.println("starts_failed=" + failed.get());
        System.out.println("first_start_ms=" + firstStartMs);
        System.out.println("starts_done_ms=" + startsDoneMs);
        System.out.println("all_done_ms=" + allDoneMs);
        System.out.println("done=" + done);
        System.out.println("polls=" + polls);
        System.out.printf("start_request_p50_ms=%.1f%n", percentile(sorted, 0.50));
        System.out.printf("start_request_p99_ms=%.1f%n", percentile(sorted, 0.99));
        System.out.printf("start_request_max_ms=%.1f%n", sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        System.out.printf("cpu_s=%.1f%n", (cpuNanos() - cpuAtStart) / 1e9);
        System.out.printf("starts_per_s=%.1f%n", ok.get() / Math.max(0.001, (startsDoneMs - firstStartMs) / 1000.0));
        synchronized (failures) {
            for (int i = 0; i < Math.min(5, failures.size()); i++) {
                System.err.println("  start failed: " + failures.get(i));
            }
        }
        System.exit(!done ? 3 : failed.get() > 0 ? 1 : 0);
    }

    /** True when the flow has at least one saga in {@code status}; a failed poll counts as "yes". */
    private static boolean hasAny(HttpClient client, String url, String flow, String status) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/api/sagas?status=" + status + "&flow="
                    + flow + "&limit=1")).timeout(Duration.ofSeconds(30)).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                System.err.println("  poll answered " + response.statusCode() + ": " + abbreviate(response.body()));
                return true;
            }
            return !response.body().replaceAll("\\s", "").contains("\"items\":[]");
        } catch (Exception e) {
            System.err.println("  poll failed: " + e);
            return true;
        }
    }

    /** CPU time of this JVM so far (all threads), in nanoseconds. */
    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
    }

    /** Nearest-rank percentile in milliseconds. */
    private static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }

    private static String abbreviate(String s) {
        s = s == null ? "" : s.replaceAll("\\s+", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
