package dev.tandem.salesforce.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Bulk API 2.0 CSV, written and read with jackson-dataformat-csv (salesforce-api.md §5, §9 "Bulk API 2.0 defaults"). */
final class BulkCsv {

    /** §9: "CSV values may be {@code #N/A} meaning null"; an empty value leaves a field unchanged. */
    static final String NULL_VALUE = "#N/A";
    /** The Salesforce-added field that is not metadata of the record. */
    private static final String ATTRIBUTES = "attributes";

    private static final CsvMapper CSV = new CsvMapper();

    private BulkCsv() {
    }

    /**
     * Writes the records as CSV (header line, COMMA delimiter, LF line endings: the job's defaults, §9) into a new
     * temporary file, so any number of records is uploaded in constant memory and the upload can be replayed after
     * a 401. The caller deletes the file.
     *
     * @throws IllegalArgumentException a record with a field outside {@code columns}, or a nested object or array
     *                                  (a CSV cell holds one value), or more than {@code maxBytes} of CSV
     */
    static Path writeTemp(List<String> columns, Iterator<ObjectNode> records, long maxBytes) {
        Path file;
        try {
            file = Files.createTempFile("tandem-bulk-", ".csv");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the Bulk upload", e);
        }
        boolean written = false;
        try {
            try (OutputStream out = new BufferedOutputStream(new LimitedOutputStream(Files.newOutputStream(file),
                    maxBytes))) {
                write(columns, records, out);
            }
            written = true;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Bulk upload CSV", e);
        } finally {
            if (!written) {
                deleteQuietly(file);
            }
        }
    }

    static void write(List<String> columns, Iterator<ObjectNode> records, OutputStream out) throws IOException {
        CsvSchema schema = CsvSchema.builder().addColumns(columns, CsvSchema.ColumnType.STRING).build()
                .withHeader().withLineSeparator("\n");
        try (SequenceWriter writer = CSV.writer(schema).writeValues(out)) {
            long row = 0;
            while (records.hasNext()) {
                row++;
                writer.write(row(columns, records.next(), row));
            }
        }
    }

    private static Map<String, String> row(List<String> columns, ObjectNode record, long row) {
        if (record == null) {
            throw new IllegalArgumentException("Bulk record " + row + " is null");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String column : columns) {
            JsonNode value = record.get(column);
            if (value == null) {
                values.put(column, "");
            } else if (value.isNull()) {
                values.put(column, NULL_VALUE);
            } else if (value.isValueNode()) {
                values.put(column, value.asText());
            } else {
                throw new IllegalArgumentException("Bulk record " + row + ": field " + column
                        + " holds an object or array; a CSV cell holds one value");
            }
        }
        record.fieldNames().forEachRemaining(field -> {
            if (!values.containsKey(field) && !ATTRIBUTES.equals(field)) {
                throw new IllegalArgumentException("Bulk record " + row + " has field " + field
                        + ", which is not one of the job's columns " + columns);
            }
        });
        return values;
    }

    /**
     * Writes the next part of {@code records} as CSV into a new temporary file: at most {@code maxRecords} rows and
     * at most {@code maxBytes} bytes (header included), so a record stream of any length is split into uploads
     * Salesforce takes (salesforce-api.md §5: 150 MB of base64 per upload). Each row is rendered before it is
     * written, and a row that would cross the byte limit starts the next part instead. The caller deletes the file.
     *
     * @return the part, or empty when {@code records} had no record left
     * @throws IllegalArgumentException a record outside the columns or with a nested value, or one record alone
     *                                  over {@code maxBytes}
     */
    static java.util.Optional<Part> writePart(List<String> columns, Rows records, int maxRecords, long maxBytes) {
        if (!records.hasNext()) {
            return java.util.Optional.empty();
        }
        CsvSchema schema = CsvSchema.builder().addColumns(columns, CsvSchema.ColumnType.STRING).build()
                .withoutHeader().withLineSeparator("\n");
        com.fasterxml.jackson.databind.ObjectWriter rowWriter = CSV.writer(schema);
        Path file;
        try {
            file = Files.createTempFile("tandem-bulk-", ".csv");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary file for the Bulk upload", e);
        }
        boolean written = false;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            byte[] header = (String.join(",", columns) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(header);
            long bytes = header.length;
            int count = 0;
            while (count < maxRecords && records.hasNext()) {
                byte[] line = rowWriter.writeValueAsBytes(row(columns, records.peek(), records.position() + 1));
                if (bytes + line.length > maxBytes) {
                    if (count == 0) {
                        throw new IllegalArgumentException("Bulk record " + (records.position() + 1) + " alone takes "
                                + line.length + " bytes of CSV, more than one upload may carry (" + maxBytes + ")");
                    }
                    break;
                }
                out.write(line);
                bytes += line.length;
                records.next();
                count++;
            }
            written = true;
            return java.util.Optional.of(new Part(file, count, bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Bulk upload CSV", e);
        } finally {
            if (!written) {
                deleteQuietly(file);
            }
        }
    }

    /** One upload: its file, how many records and bytes it holds. */
    record Part(Path file, int records, long bytes) {
    }

    /** The records of a split ingest, with one record of look-ahead (the row that did not fit opens the next part). */
    static final class Rows {
        private final Iterator<ObjectNode> source;
        private ObjectNode next;
        private long position;

        Rows(Iterator<ObjectNode> source) {
            this.source = source;
        }

        boolean hasNext() {
            return next != null || source.hasNext();
        }

        ObjectNode peek() {
            if (next == null) {
                next = source.next();
                if (next == null) {
                    throw new IllegalArgumentException("Bulk record " + (position + 1) + " is null");
                }
            }
            return next;
        }

        void next() {
            peek();
            next = null;
            position++;
        }

        /** Records taken so far. */
        long position() {
            return position;
        }
    }

    /** Reads a result CSV (header line first) row by row, each row as column → value in header order. */
    static void read(InputStream in, Consumer<Map<String, String>> rows) throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> iterator = CSV.readerForMapOf(String.class).with(schema)
                .readValues(in)) {
            while (iterator.hasNextValue()) {
                rows.accept(iterator.nextValue());
            }
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A temporary file left behind is cleaned by the OS; failing the ingest for it would lose the result.
        }
    }

    /** Refuses to write more than a limit, so a huge record stream fails before it fills the disk. */
    private static final class LimitedOutputStream extends FilterOutputStream {
        private final long max;
        private long written;

        LimitedOutputStream(OutputStream out, long max) {
            super(out);
            this.max = max;
        }

        @Override
        public void write(int b) throws IOException {
            count(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            count(len);
            out.write(b, off, len);
        }

        private void count(int bytes) {
            written += bytes;
            if (written > max) {
                throw new IllegalArgumentException("the Bulk upload exceeds " + max
                        + " bytes of CSV; split the records over several jobs");
            }
        }
    }
}
