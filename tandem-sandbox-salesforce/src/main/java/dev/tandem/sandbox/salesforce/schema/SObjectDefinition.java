package dev.tandem.sandbox.salesforce.schema;

import dev.tandem.sandbox.salesforce.data.RowLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** An sObject type: API name, label, key prefix and ordered fields (API names are case-insensitive on input). */
public final class SObjectDefinition {

    private final String name;
    private final String label;
    private final String keyPrefix;
    private final List<FieldDefinition> fields;
    private final Map<String, FieldDefinition> byLowerName;
    private final Map<String, FieldDefinition> byLowerRelationship;
    private final RowLayout rowLayout;
    private final List<FieldDefinition> requiredFields;

    public SObjectDefinition(String name, String label, String keyPrefix, List<FieldDefinition> fields) {
        this.name = name;
        this.label = label;
        this.keyPrefix = keyPrefix;
        this.fields = List.copyOf(fields);
        Map<String, FieldDefinition> names = new LinkedHashMap<>();
        Map<String, FieldDefinition> relationships = new LinkedHashMap<>();
        for (FieldDefinition field : this.fields) {
            if (names.put(lower(field.name()), field) != null) {
                throw new IllegalArgumentException("duplicate field " + field.name() + " on " + name);
            }
            if (field.isReference()) {
                relationships.put(lower(field.relationshipName()), field);
            }
        }
        this.byLowerName = Collections.unmodifiableMap(names);
        this.byLowerRelationship = Collections.unmodifiableMap(relationships);
        this.rowLayout = new RowLayout(this.fields.stream().map(FieldDefinition::name).toList(),
                this.fields.stream().map(FieldDefinition::defaultValue).collect(ArrayList::new, ArrayList::add,
                        ArrayList::addAll));
        this.requiredFields = this.fields.stream().filter(FieldDefinition::required).toList();
    }

    public String name() {
        return name;
    }

    public String label() {
        return label;
    }

    public String keyPrefix() {
        return keyPrefix;
    }

    public List<FieldDefinition> fields() {
        return fields;
    }

    /** The layout of this object's stored records: its fields in order, with their defaults. */
    public RowLayout rowLayout() {
        return rowLayout;
    }

    /** The fields that must have a value on insert, in field order. */
    public List<FieldDefinition> requiredFields() {
        return requiredFields;
    }

    public Optional<FieldDefinition> field(String anyCase) {
        return Optional.ofNullable(byLowerName.get(lower(anyCase)));
    }

    /** The reference field behind a relationship name ({@code Account} → {@code AccountId}). */
    public Optional<FieldDefinition> relationship(String anyCase) {
        return Optional.ofNullable(byLowerRelationship.get(lower(anyCase)));
    }

    public SObjectDefinition withField(FieldDefinition field) {
        List<FieldDefinition> extended = new ArrayList<>(fields);
        extended.add(field);
        return new SObjectDefinition(name, label, keyPrefix, extended);
    }

    private static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
