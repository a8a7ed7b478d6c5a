package dev.tandem.core.mapping;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a person decided about field-mapping suggestions ({@code tandem map suggest --accept/--reject}, or a written
 * mapping): per source system and target object, one decision per (source path, target field). Later suggestion runs
 * read them to raise or lower scores (docs/ai-mapping.md). The state store implements it (table
 * {@code mapping_decision}, V28); {@link #memory()} keeps them in memory (tests).
 */
public interface MappingDecisionStore {

    /**
     * One decision.
     *
     * @param sourceSystem the system the sample records came from, e.g. {@code shopify} or {@code clarity}
     * @param targetObject the target object, e.g. {@code Account}
     * @param sourcePath   the source leaf path, e.g. {@code default_address.city}
     * @param targetField  the target field's API name, e.g. {@code BillingCity}
     * @param accepted     true: accepted (the mapping is right); false: rejected (it is wrong)
     * @param decidedAt    epoch milliseconds
     */
    record Decision(String sourceSystem, String targetObject, String sourcePath, String targetField, boolean accepted,
                    long decidedAt) {
        public Decision {
            Objects.requireNonNull(sourceSystem, "sourceSystem");
            Objects.requireNonNull(targetObject, "targetObject");
            Objects.requireNonNull(sourcePath, "sourcePath");
            Objects.requireNonNull(targetField, "targetField");
        }
    }

    /** The decisions for one source system and target object, by source path then target field. */
    List<Decision> decisions(String sourceSystem, String targetObject);

    /** Inserts or replaces each decision (the last decision about a source path and target field wins). */
    void recordDecisions(List<Decision> decisions);

    /** Forgets every decision of a source system and target object; returns how many were forgotten. */
    int forgetDecisions(String sourceSystem, String targetObject);

    /** A store in memory, for tests and previews. */
    static MappingDecisionStore memory() {
        return new MappingDecisionStore() {
            private final Map<List<String>, Decision> rows = new ConcurrentHashMap<>();

            @Override
            public List<Decision> decisions(String sourceSystem, String targetObject) {
                List<Decision> out = new ArrayList<>();
                rows.values().forEach(d -> {
                    if (d.sourceSystem().equals(sourceSystem) && d.targetObject().equals(targetObject)) {
                        out.add(d);
                    }
                });
                out.sort(Comparator.comparing(Decision::sourcePath).thenComparing(Decision::targetField));
                return out;
            }

            @Override
            public void recordDecisions(List<Decision> decisions) {
                decisions.forEach(d -> rows.put(List.of(d.sourceSystem(), d.targetObject(), d.sourcePath(),
                        d.targetField()), d));
            }

            @Override
            public int forgetDecisions(String sourceSystem, String targetObject) {
                int before = rows.size();
                rows.keySet().removeIf(k -> k.get(0).equals(sourceSystem) && k.get(1).equals(targetObject));
                return before - rows.size();
            }
        };
    }
}
