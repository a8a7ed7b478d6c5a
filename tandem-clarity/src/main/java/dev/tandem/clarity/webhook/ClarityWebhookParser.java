package dev.tandem.clarity.webhook;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.model.ClarityEventType;
import dev.tandem.core.event.InboundEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Reads a Clarity webhook body (clarity-api.md §11) into an {@link InboundEvent}:
 * <pre>{"EventID":"4f1c…","EventType":"SalesOrder.Created","Entity":"SalesOrder","ID":5001,
 *  "CustomKey":"SO-5001","OccurredAt":"2026-11-26T15:04:05.123Z","Hash":-4523312311}</pre>
 * Required: {@code EventID}, {@code EventType}, {@code Entity} (non-blank strings) and {@code ID} (an integer, or a
 * string of digits); the type must be a {@link ClarityEventType} and the entity one it may name ({@code Customer.*}:
 * {@code User}, {@code Account} or {@code Contact}). The event's {@code entity}, {@code entityId} and
 * {@code entityKey} are the body's {@code Entity}, {@code ID} and {@code CustomKey} ({@code ""} when absent: CEF's
 * CustomKey is optional, a contact created through the API may have none). Optional: {@code CustomKey}, {@code OccurredAt} (ISO-8601 instant or offset date-time, a
 * zoneless date-time read as UTC; now when absent), {@code Hash} (an integer; kept only in the payload). Other fields ({@code OldStatusKey},
 * {@code ProductID}, ...) are allowed and kept in the payload, which is the body text as received.
 *
 * <p>Field sizes: each envelope field has a maximum ({@link #MAX_EVENT_ID_LENGTH} characters for {@code EventID},
 * {@link #MAX_NAME_LENGTH} for {@code EventType} and {@code Entity}, {@link #MAX_CUSTOM_KEY_LENGTH} for
 * {@code CustomKey}, {@link #MAX_OCCURRED_AT_LENGTH} for {@code OccurredAt}); a longer one is an
 * {@link InvalidWebhookException} naming the field and its limit. These fields become the event log's key and
 * index columns and appear in logs and the audit trail, so a 900 KB {@code EventID} (which fits the body limit) is
 * refused rather than stored. CEF's own ids are GUIDs and short names, far below these limits.
 *
 * <p>Size: bodies over {@value #MAX_BODY_BYTES} bytes are rejected here with {@link WebhookPayloadTooLargeException}.
 * The receiver should still cap the request size before reading the body (so it never buffers more than that), and
 * verify the signature ({@link WebhookSignatureVerifier}) before calling this parser.
 *
 * <p>Thread-safe.
 */
public final class ClarityWebhookParser {

    /** 1 MiB. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    public static final String SOURCE = "clarity";
    /** {@code EventID}: a GUID is 36 characters; room for a sender's prefix, no room for a payload. */
    public static final int MAX_EVENT_ID_LENGTH = 200;
    /** {@code EventType} and {@code Entity}: names such as {@code SalesOrder.Created}. */
    public static final int MAX_NAME_LENGTH = 100;
    /** {@code CustomKey}: CEF's custom keys are short codes (e.g. {@code SO-5001}); 255 is a common column width. */
    public static final int MAX_CUSTOM_KEY_LENGTH = 255;
    /** {@code OccurredAt}: an ISO-8601 date-time with seven fraction digits and an offset is about 33. */
    public static final int MAX_OCCURRED_AT_LENGTH = 64;

    private static final Pattern DIGITS = Pattern.compile("\\d{1,19}");
    /**
     * Duplicate keys are refused (a body with two {@code EventID}s is ambiguous, and the signed bytes could be read
     * two ways); so is anything after the object.
     */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Clock clock;

    public ClarityWebhookParser() {
        this(Clock.systemUTC());
    }

    /** @param clock gives {@code occurredAt} when the body has no {@code OccurredAt} */
    public ClarityWebhookParser(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @throws WebhookPayloadTooLargeException over {@value #MAX_BODY_BYTES} bytes
     * @throws InvalidWebhookException         for malformed JSON, a non-object, or a missing or invalid field
     */
    public InboundEvent parse(byte[] rawBody) {
        Objects.requireNonNull(rawBody, "rawBody");
        if (rawBody.length > MAX_BODY_BYTES) {
            throw new WebhookPayloadTooLargeException(rawBody.length);
        }
        String text = utf8(rawBody);
        if (text.isBlank()) {
            throw new InvalidWebhookException("malformed JSON: empty body");
        }
        JsonNode body;
        try {
            body = JSON.readTree(text);
        } catch (IOException e) {
            throw new InvalidWebhookException("malformed JSON: " + shortMessage(e), e);
        }
        if (body == null || !body.isObject()) {
            throw new InvalidWebhookException("the body must be a JSON object");
        }
        String eventId = limited("EventID", requiredText(body, "EventID"), MAX_EVENT_ID_LENGTH);
        String eventType = limited("EventType", requiredText(body, "EventType"), MAX_NAME_LENGTH);
        String entity = limited("Entity", requiredText(body, "Entity"), MAX_NAME_LENGTH);
        requireKnownPair(eventType, entity);
        String id = requiredId(body, "ID");
        if (ClarityEventType.INVENTORY_CHANGED.typeName().equals(eventType)) {
            // §11: Inventory.Changed "adds ProductID, ProductKey, Quantity". Flows read and coalesce stock by the
            // product, so an event that names none, or names it wrongly, is refused here rather than in a batch.
            requiredId(body, "ProductID");
        }
        String customKey = limited("CustomKey", optionalText(body, "CustomKey"), MAX_CUSTOM_KEY_LENGTH);
        Instant occurredAt = occurredAt(body);
        optionalInteger(body, "Hash");
        return new InboundEvent(SOURCE, eventId, eventType, entity, id, customKey, occurredAt, text);
    }

    /**
     * The type must be one of §11's (plus the poller's {@code SalesOrder.Updated}) and the entity one it may name:
     * flows act on the type and fetch by the ID, so a mismatched pair would act on an unrelated record.
     */
    private static void requireKnownPair(String eventType, String entity) {
        ClarityEventType type = ClarityEventType.fromName(eventType).orElseThrow(() -> new InvalidWebhookException(
                "invalid field: EventType '" + excerpt(eventType) + "' is not a Clarity event type (known: "
                        + ClarityEventType.typeNames() + ")"));
        if (!type.accepts(entity)) {
            throw new InvalidWebhookException("invalid field: Entity '" + excerpt(entity) + "' does not go with "
                    + eventType + " (expected " + type.entities().stream().map(ClarityEntity::entityName).toList()
                    + ")");
        }
    }

    /** A sender's string quoted in an error message: capped, so a hostile body cannot make the 400 reply large. */
    private static String excerpt(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }

    private static String limited(String field, String value, int max) {
        if (value.length() > max) {
            throw new InvalidWebhookException("invalid field: " + field + " is " + value.length()
                    + " characters long; the limit is " + max);
        }
        return value;
    }

    private static String requiredText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidWebhookException("missing field: " + field);
        }
        if (!value.isTextual()) {
            throw new InvalidWebhookException("invalid field: " + field + " must be a string");
        }
        if (value.asText().isBlank()) {
            throw new InvalidWebhookException("missing field: " + field + " is blank");
        }
        return value.asText();
    }

    /** CEF ids are integers (§2); the sender may write them as a number or as a string of digits. */
    private static String requiredId(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidWebhookException("missing field: " + field);
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long id = value.asLong();
            if (id < 0) {
                throw new InvalidWebhookException("invalid field: " + field + " must not be negative");
            }
            return Long.toString(id);
        }
        if (value.isTextual()) {
            String text = value.asText().strip();
            if (text.isEmpty()) {
                throw new InvalidWebhookException("missing field: " + field + " is blank");
            }
            if (DIGITS.matcher(text).matches()) {
                return text;
            }
        }
        throw new InvalidWebhookException("invalid field: " + field + " must be an integer or a string of digits");
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isTextual()) {
            throw new InvalidWebhookException("invalid field: " + field + " must be a string");
        }
        return value.asText();
    }

    private static void optionalInteger(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isIntegralNumber()) {
            throw new InvalidWebhookException("invalid field: " + field + " must be an integer");
        }
    }

    private Instant occurredAt(JsonNode body) {
        JsonNode value = body.get("OccurredAt");
        if (value == null || value.isNull()) {
            return clock.instant();
        }
        if (!value.isTextual()) {
            throw new InvalidWebhookException("invalid field: OccurredAt must be an ISO-8601 string");
        }
        String text = limited("OccurredAt", value.asText().strip(), MAX_OCCURRED_AT_LENGTH);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException noOffset) {
                try {
                    // CEF writes dates without a zone (e.g. 2024-05-02T14:03:11.0000000, §2/§8); OccurredAt is
                    // informational, so such a value is read as UTC rather than losing the whole event
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    throw new InvalidWebhookException(
                            "invalid field: OccurredAt must be an ISO-8601 instant such as 2026-11-26T15:04:05.123Z");
                }
            }
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidWebhookException("malformed JSON: the body is not valid UTF-8", e);
        }
    }

    /** Jackson's message without the source excerpt it appends (which could be large). */
    private static String shortMessage(IOException e) {
        String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe
                ? jpe.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }
}
