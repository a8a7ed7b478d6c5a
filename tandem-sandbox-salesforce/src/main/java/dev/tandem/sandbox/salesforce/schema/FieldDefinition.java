package dev.tandem.sandbox.salesforce.schema;

import java.util.List;

/**
 * One field of an sObject, with the properties describe exposes and the sandbox enforces.
 *
 * @param createable      may be set on insert
 * @param updateable      may be changed on update
 * @param required        must have a value on insert (describe: createable, not nillable, not defaulted)
 * @param externalId      usable as the key of an upsert ({@code PATCH /sobjects/T/Field/value}, spec §2.4)
 * @param unique          a second live record with the same (case-insensitive) value is a DUPLICATE_VALUE
 * @param referenceTo     target sObject of a REFERENCE field
 * @param relationshipName name used in SOQL paths and external-id references ({@code Account} for AccountId)
 */
public record FieldDefinition(
        String name,
        String label,
        FieldType type,
        int length,
        boolean createable,
        boolean updateable,
        boolean required,
        boolean externalId,
        boolean unique,
        String referenceTo,
        String relationshipName,
        DeleteRule deleteRule,
        List<String> picklistValues,
        boolean restrictedPicklist,
        Object defaultValue) {

    public FieldDefinition {
        picklistValues = List.copyOf(picklistValues);
    }

    public static FieldDefinition of(String name, String label, FieldType type, int length) {
        return new FieldDefinition(name, label, type, length, true, true, false, false, false, null, null, null,
                List.of(), false, null);
    }

    public static FieldDefinition text(String name, String label, int length) {
        return of(name, label, FieldType.STRING, length);
    }

    public static FieldDefinition reference(String name, String label, String referenceTo, String relationshipName,
            DeleteRule deleteRule) {
        return new FieldDefinition(name, label, FieldType.REFERENCE, 18, true, true, false, false, false, referenceTo,
                relationshipName, deleteRule, List.of(), false, null);
    }

    /** A Clarity key field: Text(128), External ID, Unique, as the integration's field set defines them. */
    public static FieldDefinition clarityKey(String name, String label) {
        return text(name, label, 128).asExternalId(true);
    }

    public FieldDefinition asRequired() {
        return new FieldDefinition(name, label, type, length, createable, updateable, true, externalId, unique,
                referenceTo, relationshipName, deleteRule, picklistValues, restrictedPicklist, defaultValue);
    }

    public FieldDefinition asReadOnly() {
        return new FieldDefinition(name, label, type, length, false, false, false, externalId, unique,
                referenceTo, relationshipName, deleteRule, picklistValues, restrictedPicklist, defaultValue);
    }

    public FieldDefinition asCreateOnly() {
        return new FieldDefinition(name, label, type, length, createable, false, required, externalId, unique,
                referenceTo, relationshipName, deleteRule, picklistValues, restrictedPicklist, defaultValue);
    }

    public FieldDefinition asExternalId(boolean isUnique) {
        return new FieldDefinition(name, label, type, length, createable, updateable, required, true, isUnique,
                referenceTo, relationshipName, deleteRule, picklistValues, restrictedPicklist, defaultValue);
    }

    public FieldDefinition withDefault(Object value) {
        return new FieldDefinition(name, label, type, length, createable, updateable, required, externalId, unique,
                referenceTo, relationshipName, deleteRule, picklistValues, restrictedPicklist, value);
    }

    public FieldDefinition withPicklist(boolean restricted, String... values) {
        return new FieldDefinition(name, label, FieldType.PICKLIST, length, createable, updateable, required,
                externalId, unique, referenceTo, relationshipName, deleteRule, List.of(values), restricted,
                defaultValue);
    }

    public boolean isReference() {
        return type == FieldType.REFERENCE && relationshipName != null;
    }
}
