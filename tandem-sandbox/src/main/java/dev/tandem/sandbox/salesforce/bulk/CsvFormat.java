package dev.tandem.sandbox.salesforce.bulk;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as Bulk API 2.0 speaks it (spec §5 "Bulk API 2.0 ingest", §9): a configurable column delimiter,
 * LF or CRLF record separators, fields optionally quoted with {@code "} and quotes doubled inside; result files
 * quote every field.
 *
 * <p>Why hand-written: the sandbox must not share the connector's CSV library (jackson-dataformat-csv) and has no
 * CSV library on its own classpath; this is the smallest complete reader for the grammar above. A record
 * separator that does not match the job's {@code lineEnding} is an error, as it is for Salesforce.
 */
final class CsvFormat {

    /** Malformed input: the message is what the job's {@code errorMessage} reports. */
    static final class CsvException extends Exception {
        CsvException(String message) {
            super(message, null, false, false);
        }
    }

    private final char delimiter;
    private final boolean crlf;

    CsvFormat(char delimiter, boolean crlf) {
        this.delimiter = delimiter;
        this.crlf = crlf;
    }

    /** All records; blank lines are skipped, a final record separator is optional. */
    List<List<String>> parse(String text) throws CsvException {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean inQuotes = false;
        boolean afterClosingQuote = false;
        int line = 1;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < length && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        inQuotes = false;
                        afterClosingQuote = true;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    field.append(c);
                }
                continue;
            }
            boolean recordEnd = false;
            if (c == '\r') {
                if (!crlf || i + 1 >= length || text.charAt(i + 1) != '\n') {
                    throw lineEndingError();
                }
                i++;
                recordEnd = true;
            } else if (c == '\n') {
                if (crlf) {
                    throw lineEndingError();
                }
                recordEnd = true;
            }
            if (recordEnd || c == delimiter) {
                record.add(field.toString());
                field.setLength(0);
                quoted = false;
                afterClosingQuote = false;
                if (recordEnd) {
                    if (!(record.size() == 1 && record.getFirst().isEmpty())) {
                        records.add(record);
                    }
                    record = new ArrayList<>();
                    line++;
                }
                continue;
            }
            if (afterClosingQuote) {
                throw new CsvException("ClientInputError : unexpected character after a closing quote at line "
                        + line);
            }
            if (c == '"') {
                if (field.length() > 0 || quoted) {
                    throw new CsvException("ClientInputError : unescaped quote inside an unquoted field at line "
                            + line);
                }
                quoted = true;
                inQuotes = true;
                continue;
            }
            field.append(c);
        }
        if (inQuotes) {
            throw new CsvException("ClientInputError : unterminated quoted field starting on line " + line);
        }
        if (field.length() > 0 || quoted || !record.isEmpty()) {
            record.add(field.toString());
            records.add(record);
        }
        return records;
    }

    /** One record with every field quoted (spec §9 "result CSVs quote every field"), LF-terminated. */
    static void appendQuoted(StringBuilder out, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            String value = fields.get(i) == null ? "" : fields.get(i);
            out.append('"').append(value.replace("\"", "\"\"")).append('"');
        }
        out.append('\n');
    }

    private CsvException lineEndingError() {
        // The platform's wording for data whose separators do not match the job (§5: lineEnding LF|CRLF).
        return new CsvException("ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is "
                + (crlf ? "CRLF" : "LF"));
    }
}
