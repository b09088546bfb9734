package io.sagaflow.connectors.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which instance of an HTTP participant gets a call (a flow's {@code urls: [...]}): round robin over the instances
 * in service; an instance whose call failed in transport (refused, reset, timed out) is ejected for a while — the base
 * ejection, doubled with each failure in a row up to the maximum — and readmitted after it, and its next answer
 * clears its record. When every instance is ejected the one readmitted soonest is tried, so a participant is never
 * left without a try. Pure and thread-safe: time comes in as an argument.
 */
final class Instances {

    private record Ejection(int failures, Instant until) {
    }

    private final Duration base;
    private final Duration max;
    private final Map<String, Ejection> ejected = new HashMap<>();
    private final Map<List<String>, Long> turns = new HashMap<>();

    Instances(Duration base, Duration max) {
        this.base = base;
        this.max = max;
    }

    /**
     * The instances to try for one call, in order: those in service, starting at the next one's turn, then the
     * ejected ones, soonest readmitted first.
     */
    synchronized List<String> order(List<String> urls, Instant now) {
        List<String> inService = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String url : urls) {
            Ejection e = ejected.get(url);
            if (e == null || !e.until().isAfter(now)) {
                inService.add(url);
            } else {
                out.add(url);
            }
        }
        List<String> order = new ArrayList<>(urls.size());
        if (!inService.isEmpty()) {
            long turn = turns.merge(urls, 1L, Long::sum) - 1;
            int first = (int) (turn % inService.size());
            for (int i = 0; i < inService.size(); i++) {
                order.add(inService.get((first + i) % inService.size()));
            }
        }
        out.sort(Comparator.comparing(url -> ejected.get(url).until()));
        order.addAll(out);
        return order;
    }

    /** A call to {@code url} failed in transport: eject it; returns how long. */
    synchronized Duration failed(String url, Instant now) {
        int failures = ejected.containsKey(url) ? ejected.get(url).failures() + 1 : 1;
        Duration period = base.multipliedBy(1L << Math.min(failures - 1, 20));
        if (period.compareTo(max) > 0) {
            period = max;
        }
        ejected.put(url, new Ejection(failures, now.plus(period)));
        return period;
    }

    /** {@code url} answered (any HTTP status): it is in service. */
    synchronized void answered(String url) {
        ejected.remove(url);
    }
}
