package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Platform Event publishing over REST, {@code POST /sobjects/<Name>__e} (spec §4.7). The org accepts any event
 * type whose API name ends in {@code __e} with any custom ({@code __c}) fields, and answers 201 with the
 * OPERATION_ENQUEUED pseudo-error carrying the EventUuid. Published events are kept for inspection.
 */
public final class PlatformEvents {

    /** One published event. */
    public record PublishedEvent(String type, String id, String eventUuid, ObjectNode payload, Instant publishedAt) {

        public PublishedEvent {
            payload = payload.deepCopy();
        }
    }

    private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*__e");
    private static final Pattern CUSTOM_FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]*__c");
    /** The key prefix of event publish results ({@code e01xx...} in the spec's example). */
    private static final String EVENT_KEY_PREFIX = "e01";

    private final IdGenerator ids;
    private final List<PublishedEvent> published = new ArrayList<>();
    private volatile PublishListener listener;

    /** Told about every event published over REST (the sandbox puts defined event types on its event bus). */
    @FunctionalInterface
    public interface PublishListener {
        void published(PublishedEvent event, String userId);
    }

    public void onPublish(PublishListener value) {
        this.listener = value;
    }

    public PlatformEvents(IdGenerator ids) {
        this.ids = ids;
    }

    static boolean isEventType(String name) {
        return EVENT_NAME.matcher(name).matches();
    }

    ApiResponse publish(String type, JsonNode body, Instant now, String userId) {
        if (!(body instanceof ObjectNode fields)) {
            throw ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR", "Cannot deserialize instance of " + type
                    + " from " + (body.isArray() ? "START_ARRAY" : "VALUE_STRING") + " value"));
        }
        ObjectNode payload = Json.object();
        for (Map.Entry<String, JsonNode> field : fields.properties()) {
            if (field.getKey().equals("attributes")) {
                continue;
            }
            if (!CUSTOM_FIELD.matcher(field.getKey()).matches()) {
                throw ApiException.badRequest(ApiError.of("INVALID_FIELD",
                        "No such column '" + field.getKey() + "' on sobject of type " + type));
            }
            if (field.getValue().isContainerNode()) {
                throw ApiException.badRequest(ApiError.of("JSON_PARSER_ERROR", "Cannot deserialize instance of "
                        + "field " + field.getKey() + " from " + (field.getValue().isArray() ? "START_ARRAY"
                        : "START_OBJECT") + " value"));
            }
            payload.set(field.getKey(), field.getValue());
        }
        String id = ids.next(EVENT_KEY_PREFIX);
        String uuid = UUID.randomUUID().toString();
        PublishedEvent event = new PublishedEvent(type, id, uuid, payload, now);
        synchronized (published) {
            published.add(event);
        }
        PublishListener current = listener;
        if (current != null) {
            current.published(event, userId);
        }
        ObjectNode result = Json.object();
        result.put("id", id);
        result.put("success", true);
        ObjectNode enqueued = result.putArray("errors").addObject();
        enqueued.put("statusCode", "OPERATION_ENQUEUED");
        enqueued.put("message", uuid);
        enqueued.putArray("fields");
        return ApiResponse.of(201, result);
    }

    public List<PublishedEvent> published() {
        synchronized (published) {
            return List.copyOf(published);
        }
    }

    public void clear() {
        synchronized (published) {
            published.clear();
        }
    }
}
