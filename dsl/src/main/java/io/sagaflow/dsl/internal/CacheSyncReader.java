package io.sagaflow.dsl.internal;

import io.sagaflow.dsl.DiagnosticCodes;
import io.sagaflow.dsl.model.CacheSyncFlow;
import io.sagaflow.dsl.model.CacheSyncFlow.Database;
import io.sagaflow.dsl.model.CacheSyncFlow.Deletes;
import io.sagaflow.dsl.model.CacheSyncFlow.Format;
import io.sagaflow.dsl.model.CacheSyncFlow.Reconcile;
import io.sagaflow.dsl.model.CacheSyncFlow.Source;
import io.sagaflow.dsl.model.CacheSyncFlow.TableName;
import io.sagaflow.dsl.model.CacheSyncFlow.Value;
import io.sagaflow.dsl.model.FlowId;
import io.sagaflow.dsl.model.KeyTemplate;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** The {@code spec} of a {@code kind: CacheSync} document (SPEC §3.4). */
final class CacheSyncReader {

    static final List<String> SPEC_KEYS = List.of("source", "key", "value", "deletes", "ttl", "reconcile");
    static final List<String> SOURCE_KEYS = List.of("postgres", "mariadb");
    static final List<String> DATABASE_KEYS = List.of("url", "user", "passwordEnv", "table");
    static final List<String> VALUE_KEYS = List.of("hash", "json");
    static final List<String> RECONCILE_KEYS = List.of("every");

    private static final List<String> DELETES = Arrays.stream(Deletes.values()).map(Deletes::yamlName).toList();
    /** <code>{id}</code> not preceded by {@code $}: a placeholder that lost its dollar. */
    private static final Pattern BARE_BRACES = Pattern.compile("(?<!\\$)\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final Problems problems;
    private final Values values;

    CacheSyncReader(Problems problems) {
        this.problems = problems;
        this.values = new Values(problems);
    }

    Optional<CacheSyncFlow> read(Node specNode, Optional<FlowId> id) {
        Optional<Fields> spec = Fields.of(specNode, "spec", SPEC_KEYS, problems);
        if (spec.isEmpty()) {
            return Optional.empty();
        }
        Fields s = spec.get();
        Optional<Source> source = s.required("source").flatMap(this::source);
        Optional<KeyTemplate> key = s.string("key", true)
                .flatMap(text -> key(text, s.optional("key").orElseThrow(), s.child("key")));
        Optional<Value> value = s.required("value").flatMap(this::value);
        Optional<Deletes> deletes = s.optional("deletes").isPresent()
                ? deletes(s.optional("deletes").get(), s.child("deletes")) : Optional.of(Deletes.DELETE);
        Optional<Node> ttlNode = s.optional("ttl");
        Optional<Duration> ttl = ttlNode.flatMap(n -> values.duration(n, s.child("ttl"), true));
        Optional<Reconcile> reconcile = s.optional("reconcile").isPresent()
                ? reconcile(s.optional("reconcile").get()) : Optional.of(Reconcile.DEFAULT);
        if (problems.hasErrors() || id.isEmpty() || source.isEmpty() || key.isEmpty() || value.isEmpty()
                || deletes.isEmpty() || ttlNode.isPresent() && ttl.isEmpty() || reconcile.isEmpty()) {
            return Optional.empty();
        }
        return values.build(specNode, "spec", () -> new CacheSyncFlow(id.get(), source.get(), key.get(), value.get(),
                deletes.get(), ttl, reconcile.get()));
    }

    // ---------------------------------------------------------------------------------------------------- source

    private Optional<Source> source(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.source", SOURCE_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> which = values.exactlyOne(fields.get(), SOURCE_KEYS,
                "e.g. { postgres: { table: public.products } }");
        if (which.isEmpty()) {
            return Optional.empty();
        }
        Database database = which.get().equals("postgres") ? Database.POSTGRES : Database.MARIADB;
        return database(fields.get().optional(which.get()).orElseThrow(), fields.get().child(which.get()), database);
    }

    private Optional<Source> database(Node node, String path, Database database) {
        Optional<Fields> fields = Fields.of(node, path, DATABASE_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Fields d = fields.get();
        // PostgreSQL defaults to the engine's own database; there is no MariaDB to default to.
        Optional<URI> url = d.string("url", database == Database.MARIADB)
                .flatMap(text -> databaseUrl(text, d.optional("url").orElseThrow(), d.child("url"), database));
        Optional<String> user = d.string("user", false);
        Optional<String> passwordEnv = values.envName(d, "passwordEnv", false);
        Optional<TableName> table = d.string("table", true)
                .flatMap(text -> table(text, d.optional("table").orElseThrow(), d.child("table"), database, url));
        if (problems.hasErrors() || table.isEmpty() || d.has("url") && url.isEmpty()) {
            return Optional.empty();
        }
        return values.build(node, path, () -> new Source(database, url, user, passwordEnv, table.get()));
    }

    private Optional<URI> databaseUrl(String text, Node node, String path, Database database) {
        String scheme = database.urlScheme();
        String example = scheme + "://127.0.0.1:" + (database == Database.POSTGRES ? "5432" : "3306") + "/shop";
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must be a URL such as " + example
                    + ", found " + Nodes.quote(withoutPassword(text)), e.getReason().toLowerCase(Locale.ROOT)
                    + " at index " + e.getIndex());
            return Optional.empty();
        }
        if (!scheme.equals(uri.getScheme()) || uri.getHost() == null || uri.getRawFragment() != null) {
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must be a URL such as " + example
                    + ", found " + Nodes.quote(withoutPassword(text)), schemeHint(text.trim(), database).orElse(null));
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
            // The flow is stored and shown by the API: a password in it would leak. The message masks it too.
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must not contain a password, found "
                    + Nodes.quote(withoutPassword(text)), "put the password in an environment variable and name it "
                    + "in passwordEnv");
            return Optional.empty();
        }
        String dbPath = uri.getPath() == null ? "" : uri.getPath();
        if (database == Database.POSTGRES && !dbPath.matches("/[^/]+")) {
            problems.error(DiagnosticCodes.BAD_URL, node, path, path + " must name a database, e.g. " + example
                    + ", found " + Nodes.quote(withoutPassword(text)), "a PostgreSQL change stream reads one database");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    /** {@code jdbc:postgresql://...}, {@code postgres://...}, {@code mysql://...}: what the author meant. */
    private static Optional<String> schemeHint(String text, Database database) {
        String rest = text.replaceFirst("^jdbc:", "");
        List<String> aliases = database == Database.POSTGRES ? List.of("postgresql", "postgres") : List.of("mariadb", "mysql");
        for (String alias : aliases) {
            if (rest.startsWith(alias + "://")) {
                String fixed = database.urlScheme() + rest.substring(alias.length());
                return fixed.equals(text) ? Optional.empty() : Optional.of("did you mean '" + withoutPassword(fixed) + "'?");
            }
        }
        return Optional.empty();
    }

    private static String withoutPassword(String url) {
        return url.replaceFirst("(://[^/@:]*):[^/@]*@", "$1:***@");
    }

    private Optional<TableName> table(String text, Node node, String path, Database database, Optional<URI> url) {
        String[] parts = text.split("\\.", -1);
        if (parts.length == 2 && KeyTemplate.COLUMN.matcher(parts[0]).matches()
                && KeyTemplate.COLUMN.matcher(parts[1]).matches()) {
            return Optional.of(new TableName(parts[0], parts[1]));
        }
        String form = database == Database.POSTGRES ? "schema.table (e.g. public.products)"
                : "database.table (e.g. shop.products)";
        String hint = null;
        if (parts.length == 1 && KeyTemplate.COLUMN.matcher(text).matches()) {
            String qualifier = database == Database.POSTGRES ? "public"
                    : url.map(URI::getPath).map(p -> p.replaceFirst("^/", "")).filter(p -> KeyTemplate.COLUMN.matcher(p)
                    .matches()).orElse(null);
            hint = qualifier == null ? "qualify it with its database" : "did you mean '" + qualifier + "." + text + "'?";
        }
        problems.error(DiagnosticCodes.BAD_TABLE, node, path, path + " must be " + form + ", found "
                + Nodes.quote(text), hint);
        return Optional.empty();
    }

    // ------------------------------------------------------------------------------------------------ key, value

    private Optional<KeyTemplate> key(String text, Node node, String path) {
        boolean ok = true;
        int placeholders = 0;
        Matcher m = KeyTemplate.PLACEHOLDER.matcher(text);
        while (m.find()) {
            placeholders++;
            String inner = m.group(1);
            if (!KeyTemplate.COLUMN.matcher(inner).matches()) {
                ok = false;
                String column = inner.trim().replaceFirst("^\\.", "");
                problems.error(DiagnosticCodes.BAD_KEY_TEMPLATE, node, path, path + ": placeholder "
                        + Nodes.quote(m.group()) + " is not a column name", KeyTemplate.COLUMN.matcher(column).matches()
                        ? "did you mean '${" + column + "}'? placeholders are columns of the row, not jq"
                        : "a placeholder is ${column}, a column of the changed row");
            }
        }
        if (text.replaceAll(KeyTemplate.PLACEHOLDER.pattern(), "").contains("${")) {
            problems.error(DiagnosticCodes.BAD_KEY_TEMPLATE, node, path, path + " has a '${' that is not closed, found "
                    + Nodes.quote(text));
            return Optional.empty();
        }
        if (placeholders == 0) {
            Matcher bare = BARE_BRACES.matcher(text);
            String hint = bare.find() ? "did you mean '" + BARE_BRACES.matcher(text).replaceAll("\\${$1}") + "'?"
                    : "without one every row writes the same key, e.g. 'product:${id}'";
            problems.error(DiagnosticCodes.BAD_KEY_TEMPLATE, node, path, path + " must contain a ${column} "
                    + "placeholder, found " + Nodes.quote(text), hint);
            return Optional.empty();
        }
        return ok ? values.build(node, path, () -> new KeyTemplate(text)) : Optional.empty();
    }

    private Optional<Value> value(Node node) {
        Optional<Fields> fields = Fields.of(node, "spec.value", VALUE_KEYS, problems);
        if (fields.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> which = values.exactlyOne(fields.get(), VALUE_KEYS, "e.g. { hash: [id, name, price] }");
        if (which.isEmpty()) {
            return Optional.empty();
        }
        Format format = Format.valueOf(which.get().toUpperCase(Locale.ROOT));
        return columns(fields.get().optional(which.get()).orElseThrow(), fields.get().child(which.get()))
                .flatMap(columns -> values.build(node, "spec.value", () -> new Value(format, columns)));
    }

    private Optional<List<String>> columns(Node node, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            String hint = Nodes.string(node).filter(t -> t.contains(","))
                    .map(t -> "write a YAML list: [" + t + "]").orElse(null);
            problems.error(DiagnosticCodes.WRONG_TYPE, node, path, path + " must be a list of column names, found "
                    + Nodes.describe(node), hint);
            return Optional.empty();
        }
        if (sequence.getValue().isEmpty()) {
            problems.error(DiagnosticCodes.BAD_VALUE, node, path, path + " must list at least one column");
            return Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        Map<String, Node> seen = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            Optional<String> column = Nodes.string(item);
            if (column.isEmpty()) {
                problems.wrongType(item, itemPath, "a column name");
                ok = false;
            } else if (!KeyTemplate.COLUMN.matcher(column.get()).matches()) {
                problems.error(DiagnosticCodes.BAD_COLUMN, item, itemPath, itemPath + " must be a column name of "
                        + "letters, digits and '_', found " + Nodes.quote(column.get()));
                ok = false;
            } else if (seen.putIfAbsent(column.get(), item) != null) {
                problems.error(DiagnosticCodes.BAD_COLUMN, item, itemPath, "column " + Nodes.quote(column.get())
                        + " is listed twice in " + path);
                ok = false;
            } else {
                columns.add(column.get());
            }
        }
        return ok ? Optional.of(columns) : Optional.empty();
    }

    // ---------------------------------------------------------------------------------------------------- others

    private Optional<Deletes> deletes(Node node, String path) {
        Optional<String> text = Nodes.string(node);
        if (text.isEmpty()) {
            problems.wrongType(node, path, "delete");
            return Optional.empty();
        }
        Optional<Deletes> policy = Arrays.stream(Deletes.values()).filter(d -> d.yamlName().equals(text.get()))
                .findFirst();
        if (policy.isEmpty()) {
            problems.error(DiagnosticCodes.BAD_VALUE, node, path, path + " must be " + String.join(" or ", DELETES)
                    + " (the key of a deleted row is deleted), found " + Nodes.quote(text.get()),
                    Suggestions.didYouMean(text.get(), DELETES).orElse(null));
        }
        return policy;
    }

    private Optional<Reconcile> reconcile(Node node) {
        return Fields.of(node, "spec.reconcile", RECONCILE_KEYS, problems)
                .flatMap(r -> r.required("every").flatMap(n -> values.duration(n, r.child("every"), true)))
                .flatMap(every -> values.build(node, "spec.reconcile", () -> new Reconcile(every)));
    }
}
