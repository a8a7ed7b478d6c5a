package dev.tandem.salesforce.cdc;

import org.apache.avro.Schema;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decodes the bitmap header fields {@code changedFields}, {@code nulledFields} and {@code diffFields} of a Pub/Sub
 * change event into field names. "Event Deserialization Considerations"
 * (https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-deserialization-considerations.html):
 * "a bit set to 1 indicates that the field at the corresponding position in the Avro schema was changed ... The first
 * element of the array contains a bitmap for the individual non-compound fields"; a later element
 * {@code "<pos>-<hex>"} addresses the sub-fields of the compound field at schema position {@code pos}
 * ({@code BillingAddress.City}). Bit i counts from the least significant bit of the hex number.
 *
 * <p>A compound field whose sub-fields are all set is reported by its own name, as Salesforce's reference decoder
 * (EventParser.expandBitmap in forcedotcom/pub-sub-api) does.
 */
public final class ChangeEventBitmaps {

    private ChangeEventBitmaps() {
    }

    /** Field names for the bitmap elements against the event's writer schema (the top-level change event record). */
    public static List<String> fieldNames(Schema eventSchema, List<String> bitmap) {
        List<String> names = new ArrayList<>();
        if (bitmap.isEmpty()) {
            return names;
        }
        List<Schema.Field> fields = eventSchema.getFields();
        String first = bitmap.get(0);
        if (!first.contains("-")) {
            BigInteger bits = parseHex(first);
            for (int i = 0; i < bits.bitLength(); i++) {
                if (bits.testBit(i)) {
                    names.add(fieldAt(fields, i, first).name());
                }
            }
        }
        for (String element : bitmap) {
            int dash = element.indexOf('-');
            if (dash < 0) {
                continue;
            }
            int position = Integer.parseInt(element.substring(0, dash).strip());
            Schema.Field parent = fieldAt(fields, position, element);
            Schema nested = recordOf(parent.schema());
            if (nested == null) {
                throw new IllegalArgumentException("Bitmap element " + element + " addresses " + parent.name()
                        + ", which is not a compound field");
            }
            BigInteger bits = parseHex(element.substring(dash + 1));
            List<Schema.Field> children = nested.getFields();
            List<String> set = new ArrayList<>();
            for (int i = 0; i < bits.bitLength(); i++) {
                if (bits.testBit(i)) {
                    set.add(parent.name() + "." + fieldAt(children, i, element).name());
                }
            }
            if (set.size() == children.size()) {
                names.add(parent.name());
            } else {
                names.addAll(set);
            }
        }
        return names;
    }

    /** The record branch of a field's schema (a compound field is a nullable union of a record), or null. */
    static Schema recordOf(Schema schema) {
        if (schema.getType() == Schema.Type.RECORD) {
            return schema;
        }
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        return null;
    }

    private static Schema.Field fieldAt(List<Schema.Field> fields, int position, String element) {
        if (position < 0 || position >= fields.size()) {
            throw new IllegalArgumentException("Bitmap element " + element + " sets position " + position
                    + " but the schema has " + fields.size() + " fields");
        }
        return fields.get(position);
    }

    private static BigInteger parseHex(String hex) {
        String digits = hex.strip().toLowerCase(Locale.ROOT);
        if (digits.startsWith("0x")) {
            digits = digits.substring(2);
        }
        if (digits.isEmpty()) {
            return BigInteger.ZERO;
        }
        return new BigInteger(digits, 16);
    }
}
