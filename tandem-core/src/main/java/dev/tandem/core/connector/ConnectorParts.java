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
 * @param echo      the system's echo policy once its change feed runs: the {@code to} step fingerprints what it
 *                  writes, so the change coming back is recognised as Tandem's own (architecture invariant 3)
 * @param linkPrefix the id map's namespace of the links of records written to this system ({@code ""} for the
 *                  system the id map was first made for, Salesforce; e.g. {@code "clarity:"}), so the two directions
 *                  of one key never overwrite each other's link
 */
public record ConnectorParts(String system, Optional<RecordReader> reader, Optional<RecordWriter> writer,
                             Map<String, Enricher> enrichers,
                             java.util.function.Supplier<Optional<dev.tandem.core.echo.EchoPolicy>> echo,
                             String linkPrefix) {

    public ConnectorParts {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
        enrichers = Map.copyOf(enrichers);
        Objects.requireNonNull(echo, "echo");
        linkPrefix = linkPrefix == null ? "" : linkPrefix;
    }

    /** Parts whose links are not namespaced. */
    public ConnectorParts(String system, Optional<RecordReader> reader, Optional<RecordWriter> writer,
                          Map<String, Enricher> enrichers,
                          java.util.function.Supplier<Optional<dev.tandem.core.echo.EchoPolicy>> echo) {
        this(system, reader, writer, enrichers, echo, "");
    }

    /** Parts without echo suppression (the system reports no changes back, or Tandem does not listen). */
    public ConnectorParts(String system, Optional<RecordReader> reader, Optional<RecordWriter> writer,
                          Map<String, Enricher> enrichers) {
        this(system, reader, writer, enrichers, Optional::empty);
    }
}
