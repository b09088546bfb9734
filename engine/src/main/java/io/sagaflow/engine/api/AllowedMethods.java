package io.sagaflow.engine.api;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The REST API's paths and the methods each has, read once from the resource classes' annotations: what a 405 says
 * in {@code Allow}, what {@code OPTIONS} answers, and the one label a metric may carry for a path (its template, never
 * the raw path, so unknown ids cannot grow the metrics without bound).
 */
final class AllowedMethods {

    private static final List<Class<?>> RESOURCES = List.of(SagaResource.class, FlowResource.class,
            DeadLetterResource.class, MessageResource.class, NotificationResource.class, NodeResource.class,
            CacheSyncResource.class);

    /** One path template and its methods. */
    record Route(String template, Pattern pattern, Set<String> methods) {
    }

    static final List<Route> ROUTES = read();

    private AllowedMethods() {
    }

    /** The route a concrete path belongs to. */
    static Optional<Route> of(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return ROUTES.stream().filter(r -> r.pattern().matcher(p).matches()).findFirst();
    }

    /** {@code Allow} of a path: its methods, with HEAD beside GET and OPTIONS always. */
    static Optional<String> allow(String path) {
        return of(path).map(r -> {
            Set<String> all = new TreeSet<>(r.methods());
            if (all.contains("GET")) {
                all.add("HEAD");
            }
            all.add("OPTIONS");
            return String.join(", ", all);
        });
    }

    private static List<Route> read() {
        List<Route> routes = new ArrayList<>();
        for (Class<?> resource : RESOURCES) {
            String base = resource.getAnnotation(Path.class).value();
            for (Method m : resource.getDeclaredMethods()) {
                String method = httpMethod(m);
                if (method == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String template = join(base, sub == null ? "" : sub.value());
                Route existing = routes.stream().filter(r -> r.template().equals(template)).findFirst().orElse(null);
                if (existing == null) {
                    Set<String> methods = new TreeSet<>();
                    methods.add(method);
                    routes.add(new Route(template, Pattern.compile(template.replaceAll("\\{[^}]+}", "[^/]+")), methods));
                } else {
                    existing.methods().add(method);
                }
            }
        }
        return List.copyOf(routes);
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod h = a.annotationType().getAnnotation(HttpMethod.class);
            if (h != null) {
                return h.value();
            }
        }
        return null;
    }

    private static String join(String base, String sub) {
        String path = (base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
