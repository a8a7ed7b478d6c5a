package dev.tandem.core.connector;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one connector hands the flow engine: its reader, its writer and its named enrichers (cf. Debezium's
 * {@code ChangeEventSourceFactory}: the same parts under the same names for every system). Flows name the system
 * ({@code fetch: {system: clarity}}, {@code to: {system: salesforce}}); the engine never names one.
 *
 * @param system    {@code clarity}, {@code salesforce}
 * @param enrichers by name, e.g. {@code salesforce.pricebookEntries}
 */
public record ConnectorParts(String system, Optional<RecordReader> reader, Optional<RecordWriter> writer,
                             Map<String, Enricher> enrichers) {

    public ConnectorParts {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
        enrichers = Map.copyOf(enrichers);
    }
}
