package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The field-level master-data policy of a two-way flow's {@code to} step: per target object and field, which side wins
 * when both changed the same field since the last sync. Policies: {@code <system>-wins} (e.g. {@code clarity-wins},
 * {@code salesforce-wins}), {@code <system>-only} (that system masters the field alone: the other side's changes are
 * never written back, e.g. {@code clarity-only} on the way back of a Clarity-mastered field), {@code newest-wins} (by each side's modified timestamp; two changes closer than
 * {@code window} are too close to call and go to review) or {@code manual} (always to review).
 *
 * @param defaultPolicy the policy of fields without one; default {@code newest-wins}
 * @param window        how close two changes may be before newest-wins gives up, e.g. {@code 2m}; default 1 minute
 * @param objects       per target object (the write plan's entity), how its fields pair with the source's
 */
public record MasterDefinition(
        @JsonProperty("default") @JsonPropertyDescription("Policy of fields without one: <system>-wins, <system>-only, newest-wins or manual; default newest-wins") String defaultPolicy,
        @JsonPropertyDescription("newest-wins sends two changes closer than this to review, e.g. 2m; default 1m") String window,
        @JsonProperty(required = true) @JsonPropertyDescription("Per target object (plan entity): its source record and field policies") Map<String, ObjectPolicy> objects) {

    public MasterDefinition {
        objects = objects == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(objects));
    }

    public String defaultOrNewest() {
        return defaultPolicy == null || defaultPolicy.isBlank() ? "newest-wins" : defaultPolicy;
    }

    /**
     * @param source   where the counterpart of this target object sits in the fetched source record
     * @param modified each side's modified-timestamp field, for newest-wins
     * @param defaultPolicy this object's default policy (else the flow's)
     * @param fields   target field → its source field and policy; fields of the plan not named here are written when
     *                 their mapped value changed since Tandem last wrote them (the source wins, no conflict check)
     */
    public record ObjectPolicy(
            @JsonProperty(required = true) @JsonPropertyDescription("Where the source counterpart sits in the fetched record") SourceRecord source,
            @JsonPropertyDescription("Modified-timestamp fields of both sides, for newest-wins") Modified modified,
            @JsonProperty("default") @JsonPropertyDescription("This object's default policy") String defaultPolicy,
            @JsonProperty(required = true) @JsonPropertyDescription("Target field → {source: source field, master: policy}") Map<String, FieldPolicy> fields) {

        public ObjectPolicy {
            fields = fields == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }
    }

    /**
     * @param at       where the counterpart sits in the fetched record: dotted paths tried in order, the first holding
     *                 the id field wins (e.g. {@code [Contact, ""]}: a user's embedded contact, else the record itself,
     *                 for a flow fetching users or contacts); none = the record itself
     * @param entity   the source system's entity of that object, e.g. {@code Contact}
     * @param id       its id field, e.g. {@code ID} (Clarity) or {@code Id} (Salesforce)
     * @param keyField the field a resolution writes it back by (the source writer's key field); default the id field
     */
    public record SourceRecord(
            @JsonPropertyDescription("Dotted paths of the counterpart in the fetched record, tried in order (the first with the id field), e.g. [Contact, \"\"]; default the record itself") java.util.List<String> at,
            @JsonProperty(required = true) @JsonPropertyDescription("Source entity, e.g. Contact") String entity,
            @JsonProperty(required = true) @JsonPropertyDescription("Its id field, e.g. ID or Id") String id,
            @JsonPropertyDescription("Key field a conflict resolution writes it back by; default the id field") String keyField) {

        public SourceRecord {
            at = at == null || at.isEmpty() ? java.util.List.of("") : java.util.List.copyOf(at);
        }

        public String keyFieldOrId() {
            return keyField == null || keyField.isBlank() ? id : keyField;
        }
    }

    /**
     * @param source the source counterpart's modified timestamp field, e.g. {@code UpdatedDate}
     * @param target the target record's, e.g. {@code LastModifiedDate}
     */
    public record Modified(
            @JsonPropertyDescription("Source counterpart's modified-timestamp field, e.g. UpdatedDate") String source,
            @JsonPropertyDescription("Target record's modified-timestamp field, e.g. LastModifiedDate") String target) {
    }

    /**
     * @param source the source counterpart's field this target field is mapped from, e.g. {@code Phone1}
     * @param master this field's policy (else the object's, else the flow's)
     */
    public record FieldPolicy(
            @JsonProperty(required = true) @JsonPropertyDescription("The source field it is mapped from, e.g. Phone1") String source,
            @JsonPropertyDescription("This field's policy: <system>-wins, <system>-only, newest-wins or manual") String master) {
    }
}
