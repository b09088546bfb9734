package io.sagaflow.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Where the engine is and who is asking, for every command that speaks the REST API. Each value comes from the first
 * of: the option, the environment ({@code SAGAFLOW_SERVER}, {@code SAGAFLOW_TOKEN}), the config file
 * ({@code $SAGAFLOW_CONFIG}, else {@code ~/.config/sagaflow/config.properties}: keys {@code server}, {@code token}),
 * the default ({@code http://127.0.0.1:8080}, no token).
 */
final class ServerOptions {

    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";

    /** How answers are printed; {@code text} is {@code table} (validate's compiler-style lines). */
    enum Output { TABLE, TEXT, JSON }

    @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "the engine's base URL (env SAGAFLOW_SERVER, config key server; default " + DEFAULT_SERVER + ")")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
            description = "an API token, sent as 'Authorization: Bearer TOKEN' (better: env SAGAFLOW_TOKEN or config "
                    + "key token, which stay out of the shell history)")
    String token;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", scope = ScopeType.INHERIT,
            description = "table (default; text is the same) or json (the API's answer as it is)")
    Output output;

    /** The settings in effect, resolved against {@code env} and the config file. */
    Resolved resolve(Map<String, String> env) {
        Properties file = configFile(env);
        String url = firstOf(server, env.get("SAGAFLOW_SERVER"), file.getProperty("server")).orElse(DEFAULT_SERVER);
        Optional<String> bearer = firstOf(token, env.get("SAGAFLOW_TOKEN"), file.getProperty("token"));
        URI base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        if (base.getScheme() == null || !(base.getScheme().equals("http") || base.getScheme().equals("https"))) {
            throw new IllegalArgumentException("--server must be an http(s) URL, was '" + url + "'");
        }
        return new Resolved(base, bearer, output == null ? Output.TABLE : output);
    }

    /** The settings of one run. */
    record Resolved(URI server, Optional<String> token, Output output) {
    }

    private static Properties configFile(Map<String, String> env) {
        Path path = env.containsKey("SAGAFLOW_CONFIG") ? Path.of(env.get("SAGAFLOW_CONFIG"))
                : Path.of(System.getProperty("user.home"), ".config", "sagaflow", "config.properties");
        Properties p = new Properties();
        if (Files.isRegularFile(path)) {
            try (Reader r = Files.newBufferedReader(path)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the config file " + path + ": " + e.getMessage());
            }
        }
        return p;
    }

    private static Optional<String> firstOf(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return Optional.of(v.trim());
            }
        }
        return Optional.empty();
    }
}
