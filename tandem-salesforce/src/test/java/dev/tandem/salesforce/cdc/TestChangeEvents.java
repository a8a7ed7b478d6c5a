package dev.tandem.salesforce.cdc;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test-side encoder of change events in the shape of salesforce-api.md §4.5: an Avro schema with the
 * ChangeEventHeader first, then nullable fields, BillingAddress a nested nullable record; the bitmap encoding of
 * field names. Written independently of the connector's decoder so round trips test it.
 */
final class TestChangeEvents {

    static final String ACCOUNT_SCHEMA_JSON = """
            {"type":"record","name":"AccountChangeEvent","namespace":"com.sforce.eventbus","fields":[
              {"name":"ChangeEventHeader","type":{"type":"record","name":"ChangeEventHeader","fields":[
                {"name":"entityName","type":"string"},
                {"name":"recordIds","type":{"type":"array","items":"string"}},
                {"name":"changeType","type":{"type":"enum","name":"ChangeType","symbols":["CREATE","UPDATE","DELETE",
                  "UNDELETE","GAP_CREATE","GAP_UPDATE","GAP_DELETE","GAP_UNDELETE","GAP_OVERFLOW","SNAPSHOT"]}},
                {"name":"changeOrigin","type":"string"},
                {"name":"transactionKey","type":"string"},
                {"name":"sequenceNumber","type":"int"},
                {"name":"commitTimestamp","type":"long"},
                {"name":"commitNumber","type":"long"},
                {"name":"commitUser","type":"string"},
                {"name":"nulledFields","type":{"type":"array","items":"string"}},
                {"name":"diffFields","type":{"type":"array","items":"string"}},
                {"name":"changedFields","type":{"type":"array","items":"string"}}]}},
              {"name":"Name","type":["null","string"],"default":null},
              {"name":"Phone","type":["null","string"],"default":null},
              {"name":"AnnualRevenue","type":["null","double"],"default":null},
              {"name":"BillingAddress","type":["null",{"type":"record","name":"Address","fields":[
                {"name":"Street","type":["null","string"],"default":null},
                {"name":"City","type":["null","string"],"default":null},
                {"name":"State","type":["null","string"],"default":null},
                {"name":"PostalCode","type":["null","string"],"default":null},
                {"name":"Country","type":["null","string"],"default":null}]}],"default":null},
              {"name":"Description","type":["null","string"],"default":null},
              {"name":"LastModifiedDate","type":["null","long"],"default":null}]}
            """;

    static final Schema ACCOUNT_SCHEMA = new Schema.Parser().parse(ACCOUNT_SCHEMA_JSON);
    static final String ACCOUNT_SCHEMA_ID = "acct-schema-1";

    private TestChangeEvents() {
    }

    /** Field names → bitmap elements: {@code 0x..} for top-level positions, {@code pos-0x..} per compound field. */
    static List<String> bitmap(Schema schema, List<String> names) {
        BigInteger top = BigInteger.ZERO;
        Map<Integer, BigInteger> nested = new TreeMap<>();
        for (String name : names) {
            int dot = name.indexOf('.');
            if (dot < 0) {
                Schema.Field field = schema.getField(name);
                Schema record = ChangeEventBitmaps.recordOf(field.schema());
                if (record != null) {
                    // the whole compound field: every sub-field
                    BigInteger all = BigInteger.ONE.shiftLeft(record.getFields().size()).subtract(BigInteger.ONE);
                    nested.merge(field.pos(), all, BigInteger::or);
                } else {
                    top = top.setBit(field.pos());
                }
            } else {
                Schema.Field parent = schema.getField(name.substring(0, dot));
                Schema record = ChangeEventBitmaps.recordOf(parent.schema());
                int child = record.getField(name.substring(dot + 1)).pos();
                nested.merge(parent.pos(), BigInteger.ZERO.setBit(child), BigInteger::or);
            }
        }
        List<String> elements = new ArrayList<>();
        if (top.signum() != 0 || !nested.isEmpty()) {
            elements.add(hex(top));
        }
        nested.forEach((pos, bits) -> elements.add(pos + "-" + hex(bits)));
        return top.signum() == 0 && nested.isEmpty() ? List.of() : elements;
    }

    private static String hex(BigInteger bits) {
        String digits = bits.toString(16).toUpperCase();
        return "0x" + (digits.length() % 2 == 1 ? "0" + digits : digits);
    }

    /** A builder of one Account change event. */
    static final class Event {
        String changeType = "UPDATE";
        List<String> recordIds = List.of("001000000000001AAA");
        String changeOrigin = "com/salesforce/api/rest/64.0;client=someone";
        String commitUser = "005000000000HUMAN";
        long commitTimestamp = 1_772_000_000_000L;
        List<String> changed = new ArrayList<>();
        List<String> nulled = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Object> address = null;

        Event type(String type) {
            changeType = type;
            return this;
        }

        Event ids(String... ids) {
            recordIds = List.of(ids);
            return this;
        }

        Event origin(String origin) {
            changeOrigin = origin;
            return this;
        }

        Event user(String user) {
            commitUser = user;
            return this;
        }

        Event at(long millis) {
            commitTimestamp = millis;
            return this;
        }

        Event set(String field, Object value) {
            values.put(field, value);
            changed.add(field);
            return this;
        }

        Event city(String city) {
            address = new LinkedHashMap<>();
            address.put("City", city);
            changed.add("BillingAddress.City");
            return this;
        }

        Event nulled(String field) {
            nulled.add(field);
            changed.add(field);
            return this;
        }

        byte[] encode() {
            Schema schema = ACCOUNT_SCHEMA;
            GenericRecord header = new GenericData.Record(schema.getField("ChangeEventHeader").schema());
            header.put("entityName", "Account");
            header.put("recordIds", recordIds);
            header.put("changeType", new GenericData.EnumSymbol(header.getSchema().getField("changeType").schema(),
                    changeType));
            header.put("changeOrigin", changeOrigin);
            header.put("transactionKey", "tx-1");
            header.put("sequenceNumber", 1);
            header.put("commitTimestamp", commitTimestamp);
            header.put("commitNumber", 42L);
            header.put("commitUser", commitUser);
            List<String> changedBits = changeType.equals("UPDATE") ? bitmap(schema, withModified()) : List.of();
            header.put("changedFields", changedBits);
            header.put("nulledFields", bitmap(schema, nulled));
            header.put("diffFields", List.of());
            GenericRecord record = new GenericData.Record(schema);
            record.put("ChangeEventHeader", header);
            values.forEach(record::put);
            if (changeType.equals("UPDATE")) {
                record.put("LastModifiedDate", commitTimestamp);
            }
            if (address != null) {
                GenericRecord billing = new GenericData.Record(ChangeEventBitmaps.recordOf(
                        schema.getField("BillingAddress").schema()));
                address.forEach(billing::put);
                record.put("BillingAddress", billing);
            }
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
                encoder.flush();
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private List<String> withModified() {
            List<String> all = new ArrayList<>(changed);
            all.add("LastModifiedDate");
            return all;
        }
    }

    static Event account() {
        return new Event();
    }
}
