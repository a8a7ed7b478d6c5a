package dev.tandem.sandbox.salesforce.cdc;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * A platform event defined in the sandbox org, with its Avro schema: the standard fields CreatedDate (epoch ms)
 * and CreatedById, then the custom fields as nullable strings
 * (https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_events_define.htm,
 * "Define and Publish Platform Events") [inferred: every custom field is modelled as Text].
 */
public final class PlatformEventType {

    /** The platform event Tandem's flows publish and subscribe to. */
    public static final PlatformEventType TANDEM_SYNC = new PlatformEventType("Tandem_Sync__e",
            List.of("Entity__c", "Record_Id__c", "Operation__c", "Source__c", "Payload__c"));

    private final String name;
    private final List<String> customFields;
    private final Schema schema;
    private final String schemaJson;
    private final String schemaId;

    PlatformEventType(String name, List<String> customFields) {
        this.name = name;
        this.customFields = List.copyOf(customFields);
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(name).namespace(ChangeEventLayout.NAMESPACE)
                .fields();
        fields.name("CreatedDate").type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault();
        fields.name("CreatedById").type().stringType().noDefault();
        for (String field : customFields) {
            fields.name(field).type(ChangeEventLayout.nullable(Schema.create(Schema.Type.STRING))).withDefault(null);
        }
        this.schema = fields.endRecord();
        this.schemaJson = schema.toString();
        this.schemaId = ChangeEventLayout.schemaId(schemaJson);
    }

    public String name() {
        return name;
    }

    public String topic() {
        return "/event/" + name;
    }

    public List<String> customFields() {
        return customFields;
    }

    public Schema schema() {
        return schema;
    }

    public String schemaJson() {
        return schemaJson;
    }

    public String schemaId() {
        return schemaId;
    }

    /** The Avro payload of an event published over REST with these field values (unknown fields ignored). */
    public byte[] encode(Map<String, String> values, String userId, Instant now) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("CreatedDate", now.toEpochMilli());
        record.put("CreatedById", userId);
        for (String field : customFields) {
            record.put(field, values.get(field));
        }
        return AvroEvents.encode(AvroEvents.record(schema, record));
    }
}
