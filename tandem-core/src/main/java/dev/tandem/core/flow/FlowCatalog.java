package dev.tandem.core.flow;

import java.util.Set;

/**
 * What the running deployment offers flows: systems with a reader, systems with a writer, and enricher names. The
 * loader checks a flow against it, so a flow that names a system Tandem has no connector for is refused at load
 * time rather than dead-lettering every event.
 */
public record FlowCatalog(Set<String> readers, Set<String> writers, Set<String> enrichers) {

    public FlowCatalog {
        readers = Set.copyOf(readers);
        writers = Set.copyOf(writers);
        enrichers = Set.copyOf(enrichers);
    }
}
