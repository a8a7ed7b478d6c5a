package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;

import java.io.IOException;
import java.time.Instant;

/**
 * The Jackson mapper of the typed CEF models (clarity-api.md §2, §6): PascalCase names ({@code ID}-style names are
 * spelled out on the records), nulls omitted as CEF's Newtonsoft settings do, unknown properties ignored (CEF models
 * carry far more fields than Tandem reads), dates as ISO-8601 with a zoneless value read as UTC.
 */
public final class ClarityModels {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("cef-dates")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            gen.writeString(value.toString());
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                            String text = p.getValueAsString();
                            return ClarityDates.parse(text).orElseThrow(() -> ctx.weirdStringException(text,
                                    Instant.class, "not an ISO-8601 date-time"));
                        }
                    }))
            .build();

    private ClarityModels() {
    }

    /** The shared, thread-safe mapper; do not reconfigure it. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads a record as fetched ({@link dev.tandem.clarity.client.ClarityRestClient#fetch}) into a typed model.
     *
     * @throws IntegrationException permanent {@code INVALID_RECORD} when a field has the wrong type
     */
    public static <T> T read(ObjectNode record, Class<T> type) {
        try {
            return MAPPER.treeToValue(record, type);
        } catch (IOException | IllegalArgumentException e) {
            throw IntegrationException.permanentFailure("clarity", "INVALID_RECORD",
                    "Clarity sent a " + type.getSimpleName() + " Tandem cannot read: "
                            + e.getMessage().lines().findFirst().orElse(""), 0);
        }
    }
}
