package dev.tandem.mapping.ai;

import java.util.List;

/**
 * One field of the target object, as an sObject describe gives it
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm,
 * "fields": name, label, type, length, createable, updateable, nillable, calculated, externalId, picklistValues).
 */
public record TargetField(String name, String label, String type, int length, boolean createable, boolean updateable,
                          boolean nillable, boolean calculated, boolean externalId, List<String> picklistValues) {
    public TargetField {
        picklistValues = List.copyOf(picklistValues);
    }

    public boolean isText() {
        return switch (type) {
            case "string", "textarea", "email", "phone", "url", "picklist", "multipicklist", "combobox", "encryptedstring" -> true;
            default -> false;
        };
    }

    public boolean isNumber() {
        return switch (type) {
            case "int", "long", "double", "currency", "percent" -> true;
            default -> false;
        };
    }

    public boolean isPicklist() {
        return type.equals("picklist") || type.equals("multipicklist");
    }
}
