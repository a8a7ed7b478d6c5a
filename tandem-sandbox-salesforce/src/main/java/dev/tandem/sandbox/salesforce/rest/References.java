package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code @{referenceId.field}} references between composite sub-requests (spec §2.9): resolved against the bodies
 * of earlier successful sub-requests, case-sensitively ("@{refAccount.id}" is valid after a create,
 * "@{refAccount.Id}" is not), with {@code .name} and {@code [index]} steps.
 */
final class References {

    private static final Pattern REFERENCE =
            Pattern.compile("@\\{([A-Za-z0-9][A-Za-z0-9_]*)((?:\\.[A-Za-z0-9_]+|\\[\\d+\\])*)\\}");
    private static final Pattern STEP = Pattern.compile("\\.([A-Za-z0-9_]+)|\\[(\\d+)\\]");
    /** "The referenceId must start with a letter or a number" and only letters/numbers/underscore (§2.9). */
    static final Pattern REFERENCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_]*");

    /** The reference ids that {@code @{...}} references anywhere in {@code node} (its url or body) point to. */
    static Set<String> referencedIds(JsonNode node) {
        Set<String> ids = new HashSet<>();
        collect(node, ids);
        return ids;
    }

    private static void collect(JsonNode node, Set<String> ids) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            Matcher matcher = REFERENCE.matcher(node.asText());
            while (matcher.find()) {
                ids.add(matcher.group(1));
            }
            return;
        }
        node.forEach(child -> collect(child, ids));
    }

    private final Map<String, JsonNode> results = new HashMap<>();

    void record(String referenceId, JsonNode body) {
        results.put(referenceId, body);
    }

    String resolve(String text) {
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            JsonNode value = lookup(matcher.group(1), matcher.group(2));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value.isValueNode() ? value.asText()
                    : value.toString()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** A deep copy of {@code body} with references replaced; a string that is one whole reference takes its value. */
    JsonNode resolve(JsonNode body) {
        if (body == null) {
            return null;
        }
        if (body.isTextual()) {
            Matcher whole = REFERENCE.matcher(body.asText());
            if (whole.matches()) {
                return lookup(whole.group(1), whole.group(2)).deepCopy();
            }
            return TextNode.valueOf(resolve(body.asText()));
        }
        if (body instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue())));
            return copy;
        }
        if (body instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(e -> copy.add(resolve(e)));
            return copy;
        }
        return body.deepCopy();
    }

    private JsonNode lookup(String referenceId, String path) {
        JsonNode node = results.get(referenceId);
        Matcher step = STEP.matcher(path);
        String firstField = null;
        while (node != null && step.find()) {
            if (step.group(1) != null) {
                firstField = firstField == null ? step.group(1) : firstField;
                node = node.isObject() ? node.get(step.group(1)) : null;
            } else {
                node = node.isArray() ? node.get(Integer.parseInt(step.group(2))) : null;
            }
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.badRequest(ApiError.of("PROCESSING_HALTED", "Invalid reference specified. No value for "
                    + referenceId + path + " found in " + referenceId + ". Provided referenceId ('" + referenceId
                    + "') and field name ('" + (firstField == null ? "" : firstField)
                    + "') are case-sensitive."));
        }
        return node;
    }
}
