package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's two output forms: a plain text table by default (columns padded to their widest cell, for people),
 * or the API's JSON as it came ({@code --json}, for scripts).
 */
public final class TableOutput {

    private TableOutput() {
    }

    /** Prints {@code rows} under {@code headers}, columns separated by two spaces; "-" for an empty cell. */
    public static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = headers.get(i).length();
        }
        List<List<String>> cells = new ArrayList<>();
        for (List<String> row : rows) {
            List<String> r = new ArrayList<>();
            for (int i = 0; i < widths.length; i++) {
                String cell = i < row.size() && row.get(i) != null && !row.get(i).isEmpty() ? oneLine(row.get(i)) : "-";
                widths[i] = Math.max(widths[i], cell.length());
                r.add(cell);
            }
            cells.add(r);
        }
        out.println(line(headers, widths));
        cells.forEach(r -> out.println(line(r, widths)));
        out.flush();
    }

    /** Prints the JSON, indented. */
    public static void json(PrintWriter out, JsonNode node) {
        out.println(ApiClient.pretty(node));
        out.flush();
    }

    /** The text of a JSON member for a cell: "" when missing or null. */
    public static String text(JsonNode node, String member) {
        JsonNode v = node.path(member);
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            b.append(cell);
            if (i < widths.length - 1) {
                b.append(" ".repeat(widths[i] - cell.length() + 2));
            }
        }
        return b.toString().stripTrailing();
    }

    /** Control characters (a newline in a message) would break the table's rows. */
    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }
}
