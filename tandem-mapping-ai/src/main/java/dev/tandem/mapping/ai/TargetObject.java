package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The target of a suggestion run: an sObject describe ({@code GET /services/data/vXX.X/sobjects/{SObject}/describe},
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm). Only
 * {@code name} and {@code fields[].name/label/type} are required; the rest default as the describe documents them
 * for a plain writable field.
 */
public record TargetObject(String name, String label, List<TargetField> fields) {

    /** Salesforce API names: a letter, then letters, digits and single underscores (custom: {@code __c}). */
    static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
    static final int MAX_FIELDS = 1_500;

    public TargetObject {
        fields = List.copyOf(fields);
    }

    public Optional<TargetField> field(String apiName) {
        return fields.stream().filter(f -> f.name().equals(apiName)).findFirst();
    }

    /** Reads a describe; a describe that is not one (no name, no fields, bad field names) is a {@link SuggestInputException}. */
    public static TargetObject fromDescribe(JsonNode describe) {
        if (describe == null || !describe.isObject()) {
            throw new SuggestInputException("the target describe must be a JSON object (as GET /sobjects/{SObject}/describe returns)");
        }
        String name = describe.path("name").asText("");
        if (!API_NAME.matcher(name).matches()) {
            throw new SuggestInputException("the target describe has no usable \"name\" (an sObject API name such as Account), got '"
                    + clip(describe.path("name").toString()) + "'");
        }
        JsonNode list = describe.path("fields");
        if (!list.isArray() || list.isEmpty()) {
            throw new SuggestInputException("the target describe of " + name + " has no \"fields\" array (fields[].name/label/type)");
        }
        if (list.size() > MAX_FIELDS) {
            throw new SuggestInputException("the target describe of " + name + " has " + list.size() + " fields; at most "
                    + MAX_FIELDS + " are read");
        }
        List<TargetField> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (JsonNode f : list) {
            String fieldName = f.path("name").asText("");
            if (!f.isObject() || !API_NAME.matcher(fieldName).matches()) {
                throw new SuggestInputException("field " + n + " of the describe of " + name + " has no usable name (an API "
                        + "name: a letter, then letters, digits and _), got '" + clip(f.path("name").toString()) + "'");
            }
            if (!seen.add(fieldName)) {
                throw new SuggestInputException("the describe of " + name + " names field " + fieldName + " twice");
            }
            List<String> picklist = new ArrayList<>();
            for (JsonNode v : f.path("picklistValues")) {
                if (v.path("active").asBoolean(true) && v.path("value").isTextual()) {
                    picklist.add(v.path("value").asText());
                }
            }
            String label = f.path("label").asText(fieldName);
            fields.add(new TargetField(fieldName, label.length() > 200 ? label.substring(0, 200) : label,
                    f.path("type").asText("string").toLowerCase(java.util.Locale.ROOT), f.path("length").asInt(0),
                    f.path("createable").asBoolean(true), f.path("updateable").asBoolean(true),
                    f.path("nillable").asBoolean(true), f.path("calculated").asBoolean(false),
                    f.path("externalId").asBoolean(false), picklist));
            n++;
        }
        return new TargetObject(name, describe.path("label").asText(name), fields);
    }

    static String clip(String s) {
        String t = s.replaceAll("\\p{Cntrl}", "?");
        return t.length() > 60 ? t.substring(0, 60) + "…" : t;
    }
}
