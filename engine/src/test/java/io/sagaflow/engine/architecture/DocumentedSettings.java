package io.sagaflow.engine.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings docs/configuration.md documents, read from the first column of its tables, and whether an environment
 * variable names one of them (Quarkus's mapping: {@code sagaflow.replies.consumers} is
 * {@code SAGAFLOW_REPLIES_CONSUMERS}). Used by the checks of deployment files: a variable that is no setting would be
 * silently ignored by the engine.
 */
final class DocumentedSettings {

    static final Path REFERENCE = Path.of("../docs/configuration.md");

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");

    private final List<Pattern> envNames;
    private final List<Pattern> readableEnvNames;

    private DocumentedSettings(List<Pattern> envNames, List<Pattern> readableEnvNames) {
        this.envNames = envNames;
        this.readableEnvNames = readableEnvNames;
    }

    static DocumentedSettings read() throws IOException {
        List<Pattern> names = new ArrayList<>();
        List<Pattern> readable = new ArrayList<>();
        for (String line : Files.readAllLines(REFERENCE)) {
            if (!line.startsWith("| `")) {
                continue;
            }
            String firstColumn = line.substring(1, line.indexOf('|', 1));
            String previous = null;
            Matcher m = CODE.matcher(firstColumn);
            while (m.find()) {
                String key = m.group(1);
                if (!key.contains(".") && !key.contains("_") && previous != null) {
                    // "`quarkus.datasource.username` / `password`": the last part of the key before
                    key = previous.substring(0, previous.lastIndexOf('.') + 1) + key;
                } else if (key.startsWith(".") && previous != null) {
                    // "`sagaflow.security.users.<name>.password-hash` / `.roles`"
                    key = previous.substring(0, previous.lastIndexOf('.')) + key;
                }
                names.add(envPattern(key, "[A-Z0-9_]+"));
                readable.add(envPattern(key, "[A-Z0-9]+"));
                previous = key;
            }
        }
        if (names.size() < 50) {
            throw new IllegalStateException("read only " + names.size() + " settings from " + REFERENCE);
        }
        return new DocumentedSettings(names, readable);
    }

    /** Whether {@code env} sets a documented setting. */
    boolean knowsEnv(String env) {
        return envNames.stream().anyMatch(p -> p.matcher(env).matches());
    }

    /**
     * Whether the engine reads {@code env} as the setting it names: a documented setting whose names ({@code <name>})
     * are one word each. SmallRye Config cannot tell where a name with {@code _} ends: it ignores
     * {@code SAGAFLOW_SECURITY_TOKENS_DEMO_CLI_HASH} and reads {@code SAGAFLOW_NOTIFICATIONS_SECRETS_MERCHANT_SECRET}
     * as the secret of {@code merchant.secret} (tried with the engine's mapping).
     */
    boolean readsEnv(String env) {
        return readableEnvNames.stream().anyMatch(p -> p.matcher(env).matches());
    }

    /**
     * {@code sagaflow.security.users.<name>.roles} -> {@code SAGAFLOW_SECURITY_USERS_<name>_ROLES}, {@code <name>}
     * matched by {@code name}; a {@code *} (any property below) matches any words.
     */
    private static Pattern envPattern(String key, String name) {
        if (key.endsWith("_*")) {
            return Pattern.compile(Pattern.quote(key.substring(0, key.length() - 1)) + "[A-Z0-9_]+");
        }
        StringBuilder regex = new StringBuilder();
        for (String part : key.split("(?=<)|(?<=>)|(?=\\*)|(?<=\\*)")) {
            if (part.startsWith("<")) {
                regex.append(name);
            } else if (part.equals("*")) {
                regex.append("[A-Z0-9_]+");
            } else {
                regex.append(Pattern.quote(part.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_")));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
