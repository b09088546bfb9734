package io.sagaflow.engine.api;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Keeps the HTTP server metrics bounded: a request's {@code uri} tag is its route's template
 * ({@code /api/sagas/{id}/abort}) or {@code UNMATCHED}, never the raw path, whatever the method or status (a 405 or an
 * {@code OPTIONS} of a path with an id would otherwise add a series per id).
 */
public class ApiMetrics {

    @Produces
    @Singleton
    MeterFilter boundedUris() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server")) {
                    return id;
                }
                String uri = id.getTag("uri");
                if (uri == null || !uri.startsWith("/api")) {
                    return id;
                }
                String bounded = AllowedMethods.of(uri).map(AllowedMethods.Route::template).orElse("UNMATCHED");
                if (bounded.equals(uri)) {
                    return id;
                }
                List<Tag> tags = id.getTags().stream().map(t -> t.getKey().equals("uri") ? Tag.of("uri", bounded) : t).toList();
                return id.replaceTags(tags);
            }
        };
    }
}
