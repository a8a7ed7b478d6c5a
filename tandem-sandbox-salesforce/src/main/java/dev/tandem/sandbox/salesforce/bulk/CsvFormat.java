package dev.tandem.sandbox.salesforce.bulk;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV as Bulk API 2.0 speaks it (spec §5 "Bulk API 2.0 ingest", §9), read and written with
 * jackson-dataformat-csv: a configurable column delimiter, LF or CRLF record separators, fields optionally quoted
 * with {@code "} and quotes doubled inside; result files quote every field.
 *
 * <p>A record separator that does not match the job's {@code lineEnding} is an error, as it is for Salesforce. The
 * CSV library accepts LF, CRLF and CR alike, so the check is made on what it leaves out: line breaks in the text that
 * are not inside a (quoted) value are record separators, and all of them must be the job's.
 */
final class CsvFormat {

    /** Malformed input: the message is what the job's {@code errorMessage} reports. */
    static final class CsvException extends Exception {
        CsvException(String message) {
            super(message, null, false, false);
        }
    }

    private static final CsvMapper CSV = CsvMapper.builder()
            // §9: "result CSVs quote every field", the empty ones included.
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_STRINGS)
            .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
            .build();
    private static final ObjectWriter RESULT_WRITER = CSV.writer(CsvSchema.emptySchema().withLineSeparator("\n"));

    private final ObjectReader reader;
    private final boolean crlf;

    CsvFormat(char delimiter, boolean crlf) {
        // Every value as a string and an empty one as "" (not null): an empty value means "leave the field unset"
        // and #N/A means null (§9), which JobProcessor tells apart.
        this.reader = CSV.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY)
                .with(CsvParser.Feature.SKIP_EMPTY_LINES)
                .with(CsvSchema.emptySchema().withColumnSeparator(delimiter));
        this.crlf = crlf;
    }

    /** All records, the header first; blank lines are skipped, a final record separator is optional. */
    List<List<String>> parse(String text) throws CsvException {
        List<List<String>> records = new ArrayList<>();
        try (MappingIterator<List<String>> rows = reader.readValues(text)) {
            while (rows.hasNextValue()) {
                records.add(rows.nextValue());
            }
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            throw new CsvException("ClientInputError : " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr()));
        } catch (IOException e) {
            throw new UncheckedIOException("reading CSV from memory", e);
        }
        checkLineEndings(text, records);
        return records;
    }

    /**
     * Line breaks inside values can only come from quoted values, and a CR of a value can never pair with an LF outside
     * it (a closing quote stands between them); so the counts in the text minus the counts in the values are the record
     * separators. An LF job allows no CR among them; a CRLF job needs every one to be a CR LF pair.
     */
    private void checkLineEndings(String text, List<List<String>> records) throws CsvException {
        long cr = count(text, "\r");
        long lf = count(text, "\n");
        long crlfPairs = count(text, "\r\n");
        for (List<String> record : records) {
            for (String value : record) {
                cr -= count(value, "\r");
                lf -= count(value, "\n");
                crlfPairs -= count(value, "\r\n");
            }
        }
        boolean matches = crlf ? cr == lf && lf == crlfPairs : cr == 0;
        if (!matches) {
            // The platform's wording for data whose separators do not match the job (§5: lineEnding LF|CRLF).
            throw new CsvException("ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is "
                    + (crlf ? "CRLF" : "LF"));
        }
    }

    private static long count(String text, String what) {
        long n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    /** The records with every field quoted (spec §9 "result CSVs quote every field"), LF-terminated; null is "". */
    static String writeQuoted(List<List<String>> records) {
        StringWriter out = new StringWriter();
        try (SequenceWriter rows = RESULT_WRITER.writeValues(out)) {
            for (List<String> record : records) {
                // The generator drops a null entry (shifting the columns), so it is written as the empty value.
                rows.write(record.stream().map(v -> v == null ? "" : v).toList());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing CSV to memory", e);
        }
        return out.toString();
    }
}
