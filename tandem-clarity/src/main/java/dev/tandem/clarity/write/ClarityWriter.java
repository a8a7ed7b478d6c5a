package dev.tandem.clarity.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityReply;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.client.ErrorClassifier;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.model.ClarityModels;
import dev.tandem.core.error.IntegrationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes CEF records through the uniform routes of clarity-api.md §5: {@code POST /<M>/<E>/Create},
 * {@code POST /<M>/<E>/Upsert}, {@code PUT /<M>/<E>/Update}. The body is the entity model itself, not wrapped; the
 * answer is {@code CEFActionResponse<int>} {@code {ActionSucceeded, Messages, Result}} with the record's ID in
 * {@code Result} (§2).
 *
 * <p>Upsert and Update are safe to repeat (Upsert matches by {@code ID}, then {@code CustomKey}, §5), so the client
 * retries them on 5xx; Create is sent once, since a retry after a lost answer could create the record twice.
 *
 * <p>Thread-safe.
 */
public final class ClarityWriter {

    private static final ObjectMapper JSON = ClarityModels.mapper();

    private final ClarityRestClient client;

    public ClarityWriter(ClarityRestClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /**
     * Creates a record and returns its new ID.
     *
     * @param record a typed model from {@link dev.tandem.clarity.model} or an {@link ObjectNode} in CEF's wire form
     * @throws ClarityWriteException when CEF answers {@code ActionSucceeded: false}
     * @throws IntegrationException  for a failed call (retryable for 5xx and no answer)
     */
    public int create(ClarityEntity entity, Object record) {
        return write("POST", entity, "/Create", record, false);
    }

    /** Updates the record with the body's {@code ID} or {@code CustomKey}, or creates it (§5); returns its ID. */
    public int upsert(ClarityEntity entity, Object record) {
        return write("POST", entity, "/Upsert", record, true);
    }

    /** Updates the record with the body's {@code ID}; returns its ID. */
    public int update(ClarityEntity entity, Object record) {
        return write("PUT", entity, "/Update", record, true);
    }

    /**
     * {@code PATCH /<M>/<E>/Deactivate/ID/{ID}} (CEF's soft delete, clarity-api.md §5) or, with {@code active}
     * true, {@code .../Reactivate/ID/{ID}}. Safe to repeat: a record already in that state stays so.
     *
     * @throws ClarityWriteException when CEF answers {@code ActionSucceeded: false} or a 4xx with messages
     * @throws IntegrationException  for a failed call (retryable for 5xx and no answer; CEF's code for other 4xx)
     */
    public void setActive(ClarityEntity entity, int id, boolean active) {
        Objects.requireNonNull(entity, "entity");
        String path = entity.routePrefix() + (active ? "/Reactivate/ID/" : "/Deactivate/ID/") + id;
        String what = "PATCH " + path;
        ClarityReply reply = client.send("PATCH", path, null, true);
        JsonNode answer = reply.json();
        if (reply.status() / 100 != 2) {
            throw ErrorClassifier.toException(what, reply.status(), answer);
        }
        if (answer != null && answer.isObject() && answer.path("ActionSucceeded").isBoolean()
                && !answer.path("ActionSucceeded").asBoolean()) {
            throw new ClarityWriteException(what, reply.status(), messages(answer));
        }
    }

    private int write(String method, ClarityEntity entity, String action, Object record, boolean retrySafe) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(record, "record");
        if (entity == ClarityEntity.SALES_ORDER_EVENT) {
            throw new IllegalArgumentException("SalesOrderEvents are written by CEF's order workflow, not by clients");
        }
        JsonNode body = JSON.valueToTree(record);
        if (!body.isObject()) {
            throw new IllegalArgumentException("a Clarity record is a JSON object, got: " + body.getNodeType());
        }
        String path = entity.routePrefix() + action;
        String what = method + " " + path;
        ClarityReply reply = client.send(method, path, body.toString(), retrySafe);
        JsonNode answer = reply.json();
        if (reply.status() / 100 != 2) {
            List<String> messages = messages(answer);
            if (!ErrorClassifier.isRetryable(reply.status()) && !messages.isEmpty()) {
                throw new ClarityWriteException(what, reply.status(), messages);
            }
            throw ErrorClassifier.toException(what, reply.status(), answer);
        }
        if (answer == null || !answer.isObject() || !answer.path("ActionSucceeded").isBoolean()) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                    "Clarity " + what + " returned no CEFActionResponse", reply.status());
        }
        if (!answer.path("ActionSucceeded").asBoolean()) {
            throw new ClarityWriteException(what, reply.status(), messages(answer));
        }
        JsonNode result = answer.path("Result");
        if (!result.isIntegralNumber() || !result.canConvertToInt() || result.asInt() <= 0) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                    "Clarity " + what + " succeeded without a record ID in Result", reply.status());
        }
        return result.asInt();
    }

    private static List<String> messages(JsonNode answer) {
        List<String> messages = new ArrayList<>();
        if (answer != null && answer.path("Messages").isArray()) {
            answer.path("Messages").forEach(m -> messages.add(m.asText()));
        }
        return messages;
    }
}
