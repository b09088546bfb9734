package io.sagaflow.engine.api;

import io.sagaflow.engine.security.Authenticator;
import io.sagaflow.engine.security.Caller;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;

/**
 * The dashboard's login: a plain HTML form (no script needed) posting user and password; a match sets the signed,
 * HttpOnly, SameSite=Strict session cookie and goes back to the page asked for. Scripts use API tokens instead.
 */
@Path("/")
public class LoginResource {

    private static final Logger LOG = Logger.getLogger(LoginResource.class);
    private static final byte[] PAGE = DashboardPages.read("/META-INF/resources/ui/login.html");

    private final Authenticator authenticator;
    private final Clock clock;

    public LoginResource(Authenticator authenticator, Clock clock) {
        this.authenticator = authenticator;
        this.clock = clock;
    }

    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page() {
        return DashboardPages.html(PAGE);
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Blocking   // a password check is a PBKDF2 run, on purpose slow
    @Operation(hidden = true)
    public Response login(@FormParam("username") String username, @FormParam("password") String password,
                          @FormParam("next") String next, @jakarta.ws.rs.core.Context UriInfo uri) {
        String target = local(next);
        Optional<Caller> caller = authenticator.login(username, password == null ? new char[0] : password.toCharArray());
        if (caller.isEmpty()) {
            LOG.infof("login refused for user '%s'", username == null ? "" : username.replaceAll("[^\\w.@-]", "?"));
            return Response.seeOther(URI.create("/login?failed=1&next=" + URLEncoder.encode(target, StandardCharsets.UTF_8))).build();
        }
        LOG.infof("%s logged in to the dashboard", caller.get().name());
        NewCookie cookie = new NewCookie.Builder(Authenticator.COOKIE).value(authenticator.session(caller.get(), clock.instant()))
                .path("/").httpOnly(true).sameSite(NewCookie.SameSite.STRICT)
                .secure("https".equals(uri.getRequestUri().getScheme()))
                .maxAge((int) authenticator.sessionTtl().toSeconds()).build();
        return Response.seeOther(URI.create(target)).cookie(cookie).build();
    }

    @POST
    @Path("logout")
    @Operation(hidden = true)
    public Response logout() {
        NewCookie gone = new NewCookie.Builder(Authenticator.COOKIE).value("").path("/").httpOnly(true)
                .sameSite(NewCookie.SameSite.STRICT).maxAge(0).build();
        return Response.seeOther(URI.create("/login")).cookie(gone).build();
    }

    /** Only a path of this site: never an absolute URL another site could use to bounce a fresh login. */
    private static String local(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.contains("\\") || next.startsWith("/login")) {
            return "/";
        }
        return next;
    }
}
