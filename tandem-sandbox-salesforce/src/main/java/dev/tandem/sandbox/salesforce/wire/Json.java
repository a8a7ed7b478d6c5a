package dev.tandem.sandbox.salesforce.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The sandbox's single Jackson mapper and the JSON_PARSER_ERROR mapping of unreadable bodies. */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /**
     * Parses a request body. An empty or malformed body is Salesforce's 400 JSON_PARSER_ERROR (spec §2.2: "the
     * JSON ... body contains an error").
     */
    public static JsonNode parseBody(byte[] body) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR",
                    "The HTTP entity body is required, but this request has no entity body."));
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            String location = e.getLocation() == null ? ""
                    : " at [line:" + e.getLocation().getLineNr() + ", column:" + e.getLocation().getColumnNr() + "]";
            throw ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR", e.getOriginalMessage() + location));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a JsonNode", e);
        }
    }
}
