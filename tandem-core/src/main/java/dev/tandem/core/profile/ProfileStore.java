package dev.tandem.core.profile;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the learned data profiles live: per flow and field path, one {@link FieldProfile} (a bounded sketch). The
 * state store implements it (table {@code data_profile}, V27); {@link #memory()} keeps them in memory (previews, tests).
 */
public interface ProfileStore {

    /** The profiles of {@code flow}'s fields, by field path; empty when nothing was learned. */
    Map<String, FieldProfile> profiles(String flow);

    /** Inserts or replaces the given fields' profiles of {@code flow} (other fields keep theirs). */
    void saveProfiles(String flow, Map<String, FieldProfile> byField);

    /** Forgets what {@code flow} learned, of one field or (field null) of all; returns the number of fields forgotten. */
    int resetProfiles(String flow, String field);

    /** A store in memory, for previews and tests. */
    static ProfileStore memory() {
        return new ProfileStore() {
            private final Map<String, Map<String, String>> byFlow = new ConcurrentHashMap<>();

            @Override
            public Map<String, FieldProfile> profiles(String flow) {
                Map<String, FieldProfile> out = new TreeMap<>();
                byFlow.getOrDefault(flow, Map.of()).forEach((f, json) -> out.put(f, Profiles.read(json)));
                return out;
            }

            @Override
            public void saveProfiles(String flow, Map<String, FieldProfile> byField) {
                Map<String, String> m = byFlow.computeIfAbsent(flow, k -> new ConcurrentHashMap<>());
                byField.forEach((f, p) -> m.put(f, Profiles.write(p)));
            }

            @Override
            public int resetProfiles(String flow, String field) {
                Map<String, String> m = byFlow.get(flow);
                if (m == null) {
                    return 0;
                }
                if (field == null) {
                    int n = m.size();
                    byFlow.remove(flow);
                    return n;
                }
                return m.remove(field) == null ? 0 : 1;
            }
        };
    }
}
