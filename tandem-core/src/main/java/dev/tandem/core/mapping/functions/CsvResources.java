package dev.tandem.core.mapping.functions;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** Reads the data files shipped with the library: CSV with a header row, {@code #} comment lines allowed. */
final class CsvResources {

    private CsvResources() {
    }

    static final CsvMapper CSV = new CsvMapper();

    static CsvSchema headerSchema() {
        return CsvSchema.emptySchema().withHeader().withComments();
    }

    static List<Map<String, String>> rows(String resource) {
        try (InputStream in = CsvResources.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is missing from the jar");
            }
            MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class).with(headerSchema()).readValues(in);
            return it.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException("resource " + resource + " cannot be read", e);
        }
    }
}
