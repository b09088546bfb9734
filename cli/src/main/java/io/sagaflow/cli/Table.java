package io.sagaflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Rows of JSON objects printed as aligned columns, one object per line. Pure: a string in, a string out. */
final class Table {

    /** A column: its header and the field it shows ({@code a.b} for a nested field). */
    record Column(String header, String field) {
    }

    private Table() {
    }

    static Column col(String header, String field) {
        return new Column(header, field);
    }

    /** The rows as text; an empty list prints {@code empty} instead. */
    static String render(Iterable<JsonNode> rows, List<Column> columns, String empty) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> text(at(row, c.field()))).toArray(String[]::new));
        }
        if (cells.size() == 1) {
            return empty + System.lineSeparator();
        }
        int[] widths = new int[columns.size()];
        for (String[] r : cells) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] r : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s  ", r[i]));
            }
            out.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return out.toString();
    }

    /** One object as {@code key: value} lines, in the given order. */
    static String fields(JsonNode object, List<Column> fields) {
        int width = fields.stream().mapToInt(f -> f.header().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (Column f : fields) {
            JsonNode v = at(object, f.field());
            if (!v.isMissingNode() && !v.isNull()) {
                out.append(String.format("%-" + (width + 1) + "s %s", f.header() + ":", text(v))).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    static JsonNode at(JsonNode node, String field) {
        JsonNode v = node;
        for (String part : field.split("\\.")) {
            v = v.path(part);
        }
        return v;
    }

    /** A cell: text as it is, null as "-", objects and arrays as compact JSON. */
    static String text(JsonNode v) {
        if (v == null || v.isMissingNode() || v.isNull()) {
            return "-";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
