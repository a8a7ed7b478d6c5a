package dev.tandem.core.mapping.functions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.JsonataMapping;

/** Evaluates expressions the way a flow does: compiled by {@link JsonataMapping} with a function library. */
final class FunctionTesting {

    static final ObjectMapper JSON = new ObjectMapper();

    private FunctionTesting() {
    }

    static JsonNode eval(String expression) {
        return eval(expression, "{}", FunctionLibrary.standard());
    }

    static JsonNode eval(String expression, String inputJson) {
        return eval(expression, inputJson, FunctionLibrary.standard());
    }

    static JsonNode eval(String expression, String inputJson, FunctionLibrary library) {
        try {
            return JsonataMapping.compile("test", expression, library).apply(JSON.readTree(inputJson));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The result as text, or null when the expression was undefined or null. */
    static String text(String expression) {
        JsonNode node = eval(expression);
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asText();
    }

    static boolean undefined(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }
}
