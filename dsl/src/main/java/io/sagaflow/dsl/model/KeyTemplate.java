package io.sagaflow.dsl.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis key written with {@code ${column}} placeholders, e.g. {@code product:${id}}. A placeholder names a column
 * of the changed row; it is not jq (a row is flat, and a key is computed for every change). A {@code $} not followed
 * by <code>{</code> is literal.
 */
public record KeyTemplate(String text) {

    /** A column name: a plain SQL identifier, so it needs no quoting in either database. */
    public static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Any {@code ${...}}, well-formed or not. */
    public static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    public KeyTemplate {
        Objects.requireNonNull(text, "text");
        if (columnsOf(text).isEmpty()) {
            throw new IllegalArgumentException("key must have at least one ${column} placeholder, was '" + text + "'");
        }
        if (text.replaceAll(PLACEHOLDER.pattern(), "").contains("${")) {
            throw new IllegalArgumentException("key has a '${' that is not closed: '" + text + "'");
        }
    }

    /** The columns the key is made of, in order of appearance (a column used twice is listed twice). */
    public List<String> columns() {
        return columnsOf(text);
    }

    /** The key of a row; {@code column} gives the text of a column's value. */
    public String render(Function<String, String> column) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(column.apply(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static List<String> columnsOf(String text) {
        List<String> columns = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!COLUMN.matcher(m.group(1)).matches()) {
                throw new IllegalArgumentException("key placeholder '${" + m.group(1) + "}' is not a column name");
            }
            columns.add(m.group(1));
        }
        return columns;
    }

    @Override
    public String toString() {
        return text;
    }
}
