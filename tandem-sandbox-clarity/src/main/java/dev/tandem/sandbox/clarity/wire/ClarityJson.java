package dev.tandem.sandbox.clarity.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The CEF wire format (spec §2): PascalCase names, null fields omitted (Newtonsoft {@code NullValueHandling.Ignore}),
 * ISO-8601 UTC dates, decimals written with their scale ({@code 200.00}).
 */
public final class ClarityJson {

    private final ObjectMapper mapper;

    public ClarityJson() {
        SimpleModule dates = new SimpleModule("cef-dates");
        dates.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(CefDates.format(value));
            }
        });
        dates.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                try {
                    return CefDates.parse(p.getValueAsString());
                } catch (IllegalArgumentException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getValueAsString(), e.getMessage());
                }
            }
        });
        this.mapper = JsonMapper.builder()
                .propertyNamingStrategy(new CefNamingStrategy())
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                // ServiceStack binds request bodies case-insensitively and ignores unknown members.
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                // Keep 0.00 as 0.00 when rows pass through a JSON tree (hashing, updates): amounts carry 2 decimals.
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .addModule(dates)
                .build();
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    public String writeString(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** Reads a request body; a malformed body surfaces as {@link MalformedBodyException} (HTTP 400). */
    public <T> T read(byte[] body, Class<T> type) {
        try {
            if (body == null || body.length == 0) {
                throw new MalformedBodyException("Request body is empty");
            }
            return mapper.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new MalformedBodyException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedBodyException(e.getMessage());
        }
    }

    public JsonNode tree(Object value) {
        return mapper.valueToTree(value);
    }

    public <T> T fromTree(JsonNode node, Class<T> type) {
        try {
            return mapper.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Thrown for a body that is not valid JSON for the DTO; mapped to 400 by the server. */
    public static final class MalformedBodyException extends RuntimeException {
        public MalformedBodyException(String message) {
            super(message);
        }
    }
}
