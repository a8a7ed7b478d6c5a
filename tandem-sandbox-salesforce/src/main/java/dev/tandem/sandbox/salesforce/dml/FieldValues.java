package dev.tandem.sandbox.salesforce.dml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.FieldType;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Conversion between JSON field values and stored values, with Salesforce's field-level validation errors. */
public final class FieldValues {

    /** Salesforce's REST date-time format: millisecond precision and a {@code +0000} offset. */
    public static final DateTimeFormatter DATETIME_FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATETIME_INPUT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss[.SSS][.SS][.S][XXX][XX][X]", Locale.ROOT);
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private FieldValues() {
    }

    /** Converts a JSON value for {@code field}; JSON null becomes Java null (the field is cleared). */
    public static Object fromJson(FieldDefinition field, JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            throw parserError(field, node);
        }
        return switch (field.type()) {
            case BOOLEAN -> toBoolean(field, node);
            case CURRENCY, DOUBLE -> toDecimal(field, node);
            case DATE -> toDate(field, node);
            case DATETIME -> toDateTime(field, node);
            case ID, REFERENCE -> node.asText();
            default -> toText(field, node.asText());
        };
    }

    /** Converts a stored value to the JSON Salesforce returns for it. */
    public static JsonNode toJson(Object value) {
        return switch (value) {
            case null -> NullNode.getInstance();
            case Boolean b -> BooleanNode.valueOf(b);
            // Salesforce renders numbers as JSON doubles (10.0, 1.0).
            case BigDecimal d -> DoubleNode.valueOf(d.doubleValue());
            case LocalDate d -> TextNode.valueOf(d.toString());
            case Instant i -> TextNode.valueOf(DATETIME_FORMAT.format(i));
            default -> TextNode.valueOf(value.toString());
        };
    }

    /** Validates a reference value: a well-formed id of the target object, else MALFORMED_ID (spec §2.2). */
    public static String toReference(FieldDefinition field, String raw, String targetKeyPrefix) {
        return SalesforceIds.normalize(raw, targetKeyPrefix).orElseThrow(() -> ApiException.badRequest(
                ApiError.of("MALFORMED_ID", field.label() + ": id value of incorrect type: " + raw,
                        List.of(field.name()))));
    }

    private static String toText(FieldDefinition field, String text) {
        if (field.length() > 0 && text.length() > field.length()) {
            throw ApiException.badRequest(ApiError.of("STRING_TOO_LONG",
                    field.label() + ": data value too large: " + text + " (max length=" + field.length() + ")",
                    List.of(field.name())));
        }
        if (field.type() == FieldType.EMAIL && !EMAIL.matcher(text).matches()) {
            throw ApiException.badRequest(ApiError.of("INVALID_EMAIL_ADDRESS",
                    field.label() + ": invalid email address: " + text, List.of(field.name())));
        }
        if (field.type() == FieldType.PICKLIST && field.restrictedPicklist()) {
            return field.picklistValues().stream().filter(v -> v.equalsIgnoreCase(text)).findFirst()
                    .orElseThrow(() -> ApiException.badRequest(ApiError.of("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                            field.label() + ": bad value for restricted picklist field: " + text,
                            List.of(field.name()))));
        }
        return text;
    }

    private static Boolean toBoolean(FieldDefinition field, JsonNode node) {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(node.asText());
        }
        throw parserError(field, node);
    }

    private static BigDecimal toDecimal(FieldDefinition field, JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().trim());
            } catch (NumberFormatException e) {
                throw parserError(field, node);
            }
        }
        throw parserError(field, node);
    }

    private static LocalDate toDate(FieldDefinition field, JsonNode node) {
        try {
            return LocalDate.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw parserError(field, node);
        }
    }

    private static Instant toDateTime(FieldDefinition field, JsonNode node) {
        try {
            return OffsetDateTime.parse(node.asText(), DATETIME_INPUT).toInstant();
        } catch (DateTimeParseException e) {
            throw parserError(field, node);
        }
    }

    private static ApiException parserError(FieldDefinition field, JsonNode node) {
        String token = node.isTextual() ? "VALUE_STRING" : node.isNumber() ? "VALUE_NUMBER"
                : node.isBoolean() ? "VALUE_BOOLEAN" : node.isArray() ? "START_ARRAY" : "START_OBJECT";
        return ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR", "Cannot deserialize instance of "
                + field.type().describeName() + " from " + token + " value " + node
                + " or request may be missing a required field"));
    }
}
