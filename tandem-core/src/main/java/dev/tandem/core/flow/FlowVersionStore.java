package dev.tandem.core.flow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every version of every flow that ever loaded, with what it was made of, so an operator can see a flow's history
 * and diff two versions long after the file changed again (the console's version list, {@code GET
 * /api/v1/flows/{id}/versions}). A version is {@link FlowSpec#version()}, a content hash: recording the same one
 * twice keeps the first. The state store implements it (table {@code flow_version}, V29); {@link #memory()} keeps
 * them in memory (tests).
 */
public interface FlowVersionStore {

    /**
     * One recorded version.
     *
     * @param flow       the flow's id
     * @param version    its content hash
     * @param file       where it was loaded from
     * @param definition the flow definition as JSON (the flow file parsed and bound)
     * @param mappings   the mapping files it named, name → text, as a JSON object
     * @param example    the text of its sample record, or empty
     * @param loadedAt   when this version first loaded
     */
    record Version(String flow, String version, String file, String definition, String mappings, String example,
                   Instant loadedAt) {
        public Version {
            Objects.requireNonNull(flow, "flow");
            Objects.requireNonNull(version, "version");
            file = file == null ? "" : file;
            Objects.requireNonNull(definition, "definition");
            mappings = mappings == null ? "{}" : mappings;
            example = example == null ? "" : example;
            Objects.requireNonNull(loadedAt, "loadedAt");
        }
    }

    /** Records a version unless it is recorded already; true when it was new. */
    boolean recordVersion(Version version);

    /** The versions of a flow, newest first. */
    List<Version> versions(String flow);

    Optional<Version> version(String flow, String version);

    /** A store in memory, for tests and previews. */
    static FlowVersionStore memory() {
        return new FlowVersionStore() {
            private final Map<List<String>, Version> rows = new ConcurrentHashMap<>();

            @Override
            public boolean recordVersion(Version v) {
                return rows.putIfAbsent(List.of(v.flow(), v.version()), v) == null;
            }

            @Override
            public List<Version> versions(String flow) {
                List<Version> out = new ArrayList<>();
                rows.values().forEach(v -> {
                    if (v.flow().equals(flow)) {
                        out.add(v);
                    }
                });
                out.sort(Comparator.comparing(Version::loadedAt).reversed());
                return out;
            }

            @Override
            public Optional<Version> version(String flow, String version) {
                return Optional.ofNullable(rows.get(List.of(flow, version)));
            }
        };
    }
}
