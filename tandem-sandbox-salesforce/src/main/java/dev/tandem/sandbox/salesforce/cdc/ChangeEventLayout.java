package dev.tandem.sandbox.salesforce.cdc;

import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.FieldType;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * The Avro schema of one object's change event and where each field sits in it (spec §4.5 "Avro schema shape"):
 * record {@code com.sforce.eventbus.<Object>ChangeEvent}, field 0 {@code ChangeEventHeader}, then every field of
 * the object in describe order as a nullable union {@code ["null", T]}; compound fields (addresses, Contact's
 * Name) as nested nullable records placed where their first component is. Excluded, as the Change Data Capture
 * guide says (https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_message_structure.htm,
 * "Change Event Message Structure"): Id (the ids are in the header), IsDeleted, SystemModstamp.
 *
 * <p>Types: text, picklist, id and reference fields are {@code string}; checkbox {@code boolean}; number and
 * currency {@code double}; DateTime {@code long} with logical type timestamp-millis (epoch ms, "dates as epoch
 * ms" in the Pub/Sub vs CometD comparison, spec §4.3); Date {@code int} with logical type date (days since epoch)
 * [inferred: the spec does not say how Date-only fields are encoded].
 */
public final class ChangeEventLayout {

    static final String NAMESPACE = "com.sforce.eventbus";
    private static final Set<String> EXCLUDED = Set.of("Id", "IsDeleted", "SystemModstamp");
    private static final List<String> ADDRESS_PARTS = List.of("Street", "City", "State", "PostalCode", "Country",
            "StateCode", "CountryCode", "Latitude", "Longitude", "GeocodeAccuracy");

    /** A top-level field of the event; {@code parts} is non-empty for a compound field. */
    public record Slot(String name, int position, FieldDefinition field, List<Part> parts) {
        public boolean compound() {
            return !parts.isEmpty();
        }
    }

    /** A component of a compound field: its name inside the nested record and the object field it holds. */
    public record Part(String name, int position, FieldDefinition field) {
    }

    private final String entity;
    private final Schema schema;
    private final String schemaJson;
    private final String schemaId;
    private final List<Slot> slots;
    private final Map<String, Slot> slotByObjectField = new LinkedHashMap<>();

    private ChangeEventLayout(SObjectDefinition def) {
        this.entity = def.name();
        Map<String, List<FieldDefinition>> compounds = compounds(def);
        Map<String, String> compoundOf = new LinkedHashMap<>();
        compounds.forEach((name, parts) -> parts.forEach(p -> compoundOf.put(p.name(), name)));
        List<Slot> built = new ArrayList<>();
        Map<String, Schema> nestedByName = new LinkedHashMap<>();
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record(def.name() + "ChangeEvent")
                .namespace(NAMESPACE).doc("Change event of " + def.name() + " (Tandem Salesforce sandbox)").fields();
        fields.name("ChangeEventHeader").type(header()).noDefault();
        int position = 1;
        for (FieldDefinition field : def.fields()) {
            if (EXCLUDED.contains(field.name())) {
                continue;
            }
            String compound = compoundOf.get(field.name());
            if (compound != null) {
                if (built.stream().anyMatch(s -> s.name().equals(compound))) {
                    continue;
                }
                List<FieldDefinition> members = compounds.get(compound);
                String prefix = compound.endsWith("Address") ? compound.substring(0, compound.length() - 7) : "";
                String recordName = compoundRecordName(compound);
                SchemaBuilder.FieldAssembler<Schema> nested = SchemaBuilder.record(recordName)
                        .namespace(NAMESPACE).fields();
                List<Part> parts = new ArrayList<>();
                for (FieldDefinition member : members) {
                    String partName = member.name().substring(prefix.length());
                    nested.name(partName).type(nullable(type(member))).withDefault(null);
                    parts.add(new Part(partName, parts.size(), member));
                }
                Schema record = nested.endRecord();
                // One named Avro type per name: BillingAddress and ShippingAddress share the Address record.
                Schema known = nestedByName.get(recordName);
                if (known != null && known.equals(record)) {
                    record = known;
                } else if (known != null) {
                    SchemaBuilder.FieldAssembler<Schema> renamed = SchemaBuilder.record(compound)
                            .namespace(NAMESPACE).fields();
                    for (Part part : parts) {
                        renamed.name(part.name()).type(nullable(type(part.field()))).withDefault(null);
                    }
                    record = renamed.endRecord();
                } else {
                    nestedByName.put(recordName, record);
                }
                fields.name(compound).type(nullable(record)).withDefault(null);
                Slot slot = new Slot(compound, position++, null, List.copyOf(parts));
                built.add(slot);
                members.forEach(m -> slotByObjectField.put(m.name(), slot));
                continue;
            }
            if (compounds.containsKey(field.name())) {
                continue; // Contact.Name: the compound record replaces the derived full-name field
            }
            fields.name(field.name()).type(nullable(type(field))).withDefault(null);
            Slot slot = new Slot(field.name(), position++, field, List.of());
            built.add(slot);
            slotByObjectField.put(field.name(), slot);
        }
        this.schema = fields.endRecord();
        this.slots = List.copyOf(built);
        this.schemaJson = schema.toString();
        this.schemaId = schemaId(schemaJson);
    }

    public static ChangeEventLayout of(SObjectDefinition def) {
        return new ChangeEventLayout(def);
    }

    public String entity() {
        return entity;
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

    public List<Slot> slots() {
        return slots;
    }

    /** The top-level slot holding an object field (the compound's slot for a component). */
    public Slot slotOf(String objectField) {
        return slotByObjectField.get(objectField);
    }

    /**
     * Schema ids look like real ones ({@code IeRuaY6cbI_HsV8Rv1Mc5g}, spec §4.3): 22 URL-safe base64 characters,
     * here the first 16 bytes of the schema JSON's SHA-256, so the id changes exactly when the schema does.
     */
    static String schemaId(String json) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ChangeEventHeader record (spec §4.2). */
    static Schema header() {
        Schema changeType = SchemaBuilder.enumeration("ChangeType").namespace(NAMESPACE)
                .symbols(ChangeType.symbols().toArray(String[]::new));
        Schema strings = SchemaBuilder.array().items().stringType();
        return SchemaBuilder.record("ChangeEventHeader").namespace(NAMESPACE).fields()
                .name("entityName").type().stringType().noDefault()
                .name("recordIds").type(strings).noDefault()
                .name("changeType").type(changeType).noDefault()
                .name("changeOrigin").type().stringType().noDefault()
                .name("transactionKey").type().stringType().noDefault()
                .name("sequenceNumber").type().intType().noDefault()
                .name("commitTimestamp").type().longType().noDefault()
                .name("commitNumber").type().longType().noDefault()
                .name("commitUser").type().stringType().noDefault()
                .name("nulledFields").type(strings).noDefault()
                .name("diffFields").type(strings).noDefault()
                .name("changedFields").type(strings).noDefault()
                .endRecord();
    }

    static Schema nullable(Schema type) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), type);
    }

    static Schema type(FieldDefinition field) {
        FieldType type = field.type();
        return switch (type) {
            case BOOLEAN -> Schema.create(Schema.Type.BOOLEAN);
            case CURRENCY, DOUBLE -> Schema.create(Schema.Type.DOUBLE);
            case DATE -> LogicalTypes.date().addToSchema(Schema.create(Schema.Type.INT));
            case DATETIME -> LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
            default -> Schema.create(Schema.Type.STRING);
        };
    }

    private static String compoundRecordName(String compound) {
        return compound.equals("Name") ? "Switchable_PersonName" : "Address";
    }

    /**
     * Compound fields of an object: {@code <Prefix>Address} over the {@code <Prefix>Street/City/...} fields, and
     * Contact's {@code Name} over FirstName/LastName (the CDC "Name" compound, spec §4.5).
     */
    private static Map<String, List<FieldDefinition>> compounds(SObjectDefinition def) {
        Map<String, List<FieldDefinition>> compounds = new LinkedHashMap<>();
        for (FieldDefinition field : def.fields()) {
            if (field.name().endsWith("Street")) {
                String prefix = field.name().substring(0, field.name().length() - "Street".length());
                List<FieldDefinition> parts = new ArrayList<>();
                for (String part : ADDRESS_PARTS) {
                    def.field(prefix + part).ifPresent(parts::add);
                }
                compounds.put(prefix + "Address", parts);
            }
        }
        // Contact's Name is derived (read-only) and travels as the compound. A person account's Name is derived too,
        // but Account.Name is a business account's own field, so Account keeps a plain Name next to FirstName and
        // LastName in orgs with Person Accounts [inferred: the CDC guide's person-account example is not verbatim].
        if (def.field("FirstName").isPresent() && def.field("LastName").isPresent()
                && def.field("Name").filter(name -> !name.createable()).isPresent()) {
            compounds.put("Name", List.of(def.field("FirstName").orElseThrow(), def.field("LastName").orElseThrow()));
        }
        return compounds;
    }
}
