package dev.tandem.sandbox.salesforce.cdc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding of event payloads: a bare datum, no container header, written with the schema the event's
 * schema_id names (spec §4.5; https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-avro-serialization.html,
 * "Event Serialization and Deserialization").
 */
final class AvroEvents {

    private AvroEvents() {
    }

    static byte[] encode(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        try {
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A record of {@code schema} from a map of field name → Avro value (nested maps for nested records). */
    @SuppressWarnings("unchecked")
    static GenericRecord record(Schema schema, Map<String, Object> values) {
        GenericData.Record record = new GenericData.Record(schema);
        for (Schema.Field field : schema.getFields()) {
            Object value = values.get(field.name());
            if (value instanceof Map<?, ?> nested) {
                value = record(recordType(field.schema()), (Map<String, Object>) nested);
            } else if (value instanceof String text && enumType(field.schema()) != null) {
                value = new GenericData.EnumSymbol(enumType(field.schema()), text);
            } else if (value instanceof List<?> list) {
                value = new GenericData.Array<>(arrayType(field.schema()), list);
            }
            record.put(field.pos(), value);
        }
        return record;
    }

    /** A Row value (String, BigDecimal, Boolean, LocalDate, Instant) as the Avro value of its field type. */
    static Object avroValue(Object value) {
        return switch (value) {
            case null -> null;
            case BigDecimal number -> number.doubleValue();
            case LocalDate date -> (int) date.toEpochDay();
            case Instant instant -> instant.toEpochMilli();
            case Boolean flag -> flag;
            case Number number -> number.doubleValue();
            default -> value.toString();
        };
    }

    private static Schema recordType(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.RECORD).findFirst()
                    .orElseThrow();
        }
        return schema;
    }

    private static Schema arrayType(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.ARRAY).findFirst()
                    .orElseThrow();
        }
        return schema;
    }

    private static Schema enumType(Schema schema) {
        if (schema.getType() == Schema.Type.ENUM) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().filter(s -> s.getType() == Schema.Type.ENUM).findFirst()
                    .orElse(null);
        }
        return null;
    }
}
