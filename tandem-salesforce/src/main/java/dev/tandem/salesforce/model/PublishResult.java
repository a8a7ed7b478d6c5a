package dev.tandem.salesforce.model;

import dev.tandem.core.error.ApiError;

import java.util.List;

/**
 * The answer to publishing one platform event with {@code POST /sobjects/X__e} (salesforce-api.md §4.7). Salesforce
 * reports a successful publish as {@code success: true} with one {@code OPERATION_ENQUEUED} "error" whose message is
 * the event's {@code EventUuid}; that entry is lifted into {@link #eventUuid()} and not counted as an error.
 *
 * @param id        the event's id ({@code e01...})
 * @param success   whether the event was queued for publishing
 * @param eventUuid the EventUuid, or empty text
 * @param errors    real errors (e.g. {@code LIMIT_EXCEEDED}, {@code PLATFORM_EVENT_PUBLISHING_UNAVAILABLE})
 */
public record PublishResult(String id, boolean success, String eventUuid, List<ApiError> errors) {

    public PublishResult {
        id = id == null ? "" : id;
        eventUuid = eventUuid == null ? "" : eventUuid;
        errors = List.copyOf(errors);
    }
}
