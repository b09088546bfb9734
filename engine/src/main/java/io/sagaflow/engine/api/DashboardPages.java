package io.sagaflow.engine.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The dashboard's page paths. Each answers the same shell ({@code META-INF/resources/ui/index.html}); the router in
 * {@code ui/app.js} draws the page the path names, from the REST API. A path of the dashboard is therefore a URL one can
 * share, bookmark and reload. Authentication (issue 12) is a filter in front of these paths and {@code /api/*}.
 */
@Path("/")
public class DashboardPages {

    private static final byte[] SHELL = read("/META-INF/resources/ui/index.html");

    /** Only this origin's files: no inline script or style, no frames around the pages, no plugins. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";

    /** An HTML file of the jar (read once, at class load: a missing one fails the start, not a request). */
    static byte[] read(String resource) {
        try (InputStream in = DashboardPages.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard file " + resource + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An HTML page with the dashboard's security headers, never cached (it is the same for everyone, but logins change). */
    static Response html(byte[] page) {
        CacheControl noStore = new CacheControl();
        noStore.setNoStore(true);
        return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).cacheControl(noStore)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin")
                .header("X-Frame-Options", "DENY")
                .build();
    }

    private static Response shell() {
        return html(SHELL);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response overview() {
        return shell();
    }

    @GET
    @Path("{page:sagas|dead-letters|messages|notifications|cache-syncs|nodes|flows}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response list() {
        return shell();
    }

    @GET
    @Path("{page:sagas|dead-letters|messages|notifications|flows}/{id}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response one() {
        return shell();
    }
}
