package dev.tandem.server.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowVersionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Records each version of a flow as it loads (at start and on every reload) in the {@link FlowVersionStore}, with
 * its definition, mapping files and example, and diffs two stored versions with {@link FlowDiff}, so a version can
 * be compared after its file was overwritten (the designer's save replaces the file in place).
 */
public final class FlowVersions {

    private static final Logger log = LoggerFactory.getLogger(FlowVersions.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FlowVersionStore store;
    private final Clock clock;

    public FlowVersions(FlowVersionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public FlowVersionStore store() {
        return store;
    }

    /** Records the versions not recorded yet; a store failure is logged, never stops a load. */
    public void record(Collection<FlowSpec> flows) {
        for (FlowSpec f : flows) {
            try {
                if (store.recordVersion(snapshot(f))) {
                    log.debug("Recorded version {} of flow {}", f.version(), f.id());
                }
            } catch (RuntimeException e) {
                log.warn("Could not record version {} of flow {}: {}", f.version(), f.id(), e.getMessage());
            }
        }
    }

    FlowVersionStore.Version snapshot(FlowSpec f) {
        try {
            return new FlowVersionStore.Version(f.id(), f.version(), f.file(),
                    JSON.writeValueAsString(f.definition()), JSON.writeValueAsString(f.mappingSources()), f.example(),
                    clock.instant());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The differences from version a to version b, one per line ({@link FlowDiff}). */
    public static List<String> diff(FlowVersionStore.Version a, FlowVersionStore.Version b) {
        try {
            return FlowDiff.between(JSON.readTree(a.definition()), mappings(a), a.example(),
                    JSON.readTree(b.definition()), mappings(b), b.example());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored flow version is not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, String> mappings(FlowVersionStore.Version v) throws JsonProcessingException {
        return JSON.readValue(v.mappings(), new TypeReference<Map<String, String>>() { });
    }
}
