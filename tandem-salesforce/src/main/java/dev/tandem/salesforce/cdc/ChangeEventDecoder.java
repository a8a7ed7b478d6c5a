package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Decodes Pub/Sub event payloads: Avro binary datums (no container header) written with the schema named by the
 * event's {@code schema_id}, fetched once per id by GetSchema and cached ("Event Deserialization Considerations",
 * https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-deserialization-considerations.html;
 * "a schema ID changes when the object's schema changes", so a new id means a new fetch). Thread-safe.
 */
public final class ChangeEventDecoder {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final Function<String, String> schemaJsonById;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    /** One reader per writer schema: building a reader resolves the schema, which costs more than a decode. */
    private final Map<String, GenericDatumReader<GenericRecord>> readers = new ConcurrentHashMap<>();

    /** @param schemaJsonById GetSchema: schema id → the schema's JSON */
    public ChangeEventDecoder(Function<String, String> schemaJsonById) {
        this.schemaJsonById = Objects.requireNonNull(schemaJsonById, "schemaJsonById");
    }

    /** The writer schema, from the cache or fetched once. */
    public Schema schema(String schemaId) {
        return schemas.computeIfAbsent(schemaId, id -> new Schema.Parser().parse(schemaJsonById.apply(id)));
    }

    /** How many schemas are cached (a metric and a test hook). */
    public int cachedSchemas() {
        return schemas.size();
    }

    /** Decodes one change event. */
    public ChangeEvent decode(String topic, byte[] replayId, String schemaId, byte[] payload) {
        Schema schema = schema(schemaId);
        GenericRecord record;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(payload, null);
            record = readers.computeIfAbsent(schemaId, id -> new GenericDatumReader<>(schema)).read(null, decoder);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Event " + ReplayIds.toHex(replayId) + " on " + topic
                    + " is not a valid Avro datum of schema " + schemaId + ": " + e.getMessage(), e);
        }
        GenericRecord header = (GenericRecord) record.get("ChangeEventHeader");
        if (header == null) {
            throw new IllegalArgumentException("Event on " + topic + " has no ChangeEventHeader: not a change event");
        }
        List<String> changed = ChangeEventBitmaps.fieldNames(schema, strings(header.get("changedFields")));
        List<String> nulled = ChangeEventBitmaps.fieldNames(schema, strings(header.get("nulledFields")));
        List<String> diff = ChangeEventBitmaps.fieldNames(schema, strings(header.get("diffFields")));
        ObjectNode fields = JSON.objectNode();
        for (Schema.Field field : schema.getFields()) {
            if (field.name().equals("ChangeEventHeader")) {
                continue;
            }
            Object value = record.get(field.pos());
            if (value != null) {
                fields.set(field.name(), json(value));
            }
        }
        for (String name : nulled) {
            putNull(fields, name);
        }
        return new ChangeEvent(topic, ReplayIds.toHex(replayId), schemaId, text(header.get("entityName")),
                strings(header.get("recordIds")), text(header.get("changeType")), text(header.get("changeOrigin")),
                text(header.get("transactionKey")), number(header.get("sequenceNumber")).intValue(),
                number(header.get("commitTimestamp")).longValue(), number(header.get("commitNumber")).longValue(),
                text(header.get("commitUser")), changed, nulled, diff, fields);
    }

    private static void putNull(ObjectNode fields, String dotted) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            fields.putNull(dotted);
            return;
        }
        JsonNode parent = fields.get(dotted.substring(0, dot));
        ObjectNode object = parent instanceof ObjectNode o ? o : fields.putObject(dotted.substring(0, dot));
        object.putNull(dotted.substring(dot + 1));
    }

    private static Number number(Object value) {
        return value instanceof Number n ? n : 0;
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    private static List<String> strings(Object value) {
        List<String> result = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                result.add(item.toString());
            }
        }
        return result;
    }

    /** Avro generic values → JSON: text, numbers, booleans, nested records, arrays, maps, enums; bytes as base64. */
    static JsonNode json(Object value) {
        if (value == null) {
            return JSON.nullNode();
        }
        if (value instanceof CharSequence || value instanceof GenericData.EnumSymbol) {
            return JSON.textNode(value.toString());
        }
        if (value instanceof Integer i) {
            return JSON.numberNode(i);
        }
        if (value instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (value instanceof Double d) {
            return JSON.numberNode(d);
        }
        if (value instanceof Float f) {
            return JSON.numberNode(f);
        }
        if (value instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return JSON.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof GenericData.Fixed fixed) {
            return JSON.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
        }
        if (value instanceof GenericRecord nested) {
            ObjectNode object = JSON.objectNode();
            for (Schema.Field field : nested.getSchema().getFields()) {
                object.set(field.name(), json(nested.get(field.pos())));
            }
            return object;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode array = JSON.arrayNode();
            items.forEach(item -> array.add(json(item)));
            return array;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = JSON.objectNode();
            map.forEach((k, v) -> object.set(k.toString(), json(v)));
            return object;
        }
        return JSON.textNode(value.toString());
    }
}
