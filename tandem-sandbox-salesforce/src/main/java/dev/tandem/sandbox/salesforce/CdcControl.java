package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.cdc.ChangeType;
import dev.tandem.sandbox.salesforce.cdc.EventBus;
import dev.tandem.sandbox.salesforce.pubsub.PubSubServer;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import dev.tandem.sandbox.salesforce.cdc.PlatformEventType;
import java.io.IOException;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The {@code /_sandbox/cdc/...} and {@code /_sandbox/pubsub/...} control resources (see {@link SandboxControlApi}). */
final class CdcControl {

    private final SalesforceSandbox sandbox;

    CdcControl(SalesforceSandbox sandbox) {
        this.sandbox = sandbox;
    }

    ApiResponse handle(String key, byte[] body) {
        return switch (key) {
            case "cdc GET" -> ApiResponse.of(200, state());
            case "cdc/entities GET" -> ApiResponse.of(200, state());
            case "cdc/entities POST" -> {
                JsonNode request = parse(body);
                JsonNode entities = request.get("entities");
                try {
                    if (entities == null || entities.isNull()) {
                        sandbox.changeCapture().select(null);
                    } else {
                        List<String> names = new ArrayList<>();
                        entities.forEach(e -> names.add(e.asText()));
                        sandbox.changeCapture().select(names);
                    }
                } catch (IllegalArgumentException e) {
                    throw invalid(e.getMessage());
                }
                yield ApiResponse.of(200, state());
            }
            case "cdc/gap POST" -> {
                JsonNode request = parse(body);
                ChangeType type;
                try {
                    type = ChangeType.valueOf(request.path("changeType").asText("GAP_UPDATE"));
                } catch (IllegalArgumentException e) {
                    throw invalid("unknown changeType " + request.path("changeType").asText());
                }
                List<String> ids = new ArrayList<>();
                request.path("recordIds").forEach(id -> ids.add(id.asText()));
                EventBus.StoredEvent event;
                try {
                    event = sandbox.changeCapture().injectGap(request.path("entity").asText(), type, ids,
                            sandbox.userId(), System.currentTimeMillis());
                } catch (IllegalArgumentException e) {
                    throw invalid(e.getMessage());
                }
                ObjectNode reply = Json.object();
                reply.put("replayId", Base64.getEncoder().encodeToString(event.replayId()));
                reply.put("topic", event.topic());
                yield ApiResponse.of(200, reply);
            }
            case "cdc/expire-replay-ids POST" -> {
                ObjectNode reply = Json.object();
                reply.put("expired", sandbox.eventBus().expireAll());
                yield ApiResponse.of(200, reply);
            }
            case "cdc/retention POST" -> {
                JsonNode request = parse(body);
                long seconds = request.path("seconds").asLong(-1);
                if (seconds < 0) {
                    throw invalid("retention needs {\"seconds\": n} with n >= 0");
                }
                sandbox.eventBus().setRetention(Duration.ofSeconds(seconds));
                yield ApiResponse.of(200, state());
            }
            case "cdc/as-user POST" -> {
                JsonNode request = parse(body);
                String user = request.path("userId").asText(null);
                sandbox.changeAsUser(user == null || user.isEmpty() ? sandbox.humanUserId() : user);
                yield ApiResponse.of(200, state());
            }
            case "cdc/as-user DELETE" -> {
                sandbox.changeAsUser(null);
                yield ApiResponse.of(200, state());
            }
            case "cdc/events GET" -> ApiResponse.of(200, events(100));
            case "pubsub GET" -> ApiResponse.of(200, pubSubState());
            case "pubsub/pause POST" -> {
                JsonNode request = parse(body);
                pubSub().setPaused(request.path("paused").asBoolean(true));
                yield ApiResponse.of(200, pubSubState());
            }
            case "pubsub/resume POST" -> {
                pubSub().setPaused(false);
                yield ApiResponse.of(200, pubSubState());
            }
            case "pubsub/drop POST" -> {
                JsonNode request = parse(body);
                String topic = request.path("topic").asText(null);
                ObjectNode reply = Json.object();
                reply.put("dropped", pubSub().dropStreams(topic == null || topic.isEmpty() ? null : topic));
                yield ApiResponse.of(200, reply);
            }
            default -> throw ApiException.notFound(ApiError.notFound());
        };
    }

    private PubSubServer pubSub() {
        return sandbox.pubSub().orElseThrow(() -> invalid("the Pub/Sub server is not enabled in this sandbox"));
    }

    private ObjectNode state() {
        ObjectNode body = Json.object();
        ArrayNode entities = body.putArray("selectedEntities");
        sandbox.changeCapture().selected().forEach(entities::add);
        body.put("retentionSeconds", sandbox.eventBus().retention().toSeconds());
        body.put("retainedEvents", sandbox.eventBus().size());
        body.put("latestReplayId", Base64.getEncoder().encodeToString(
                EventBus.replayId(sandbox.eventBus().lastSequence())));
        body.put("integrationUserId", sandbox.userId());
        body.put("humanUserId", sandbox.humanUserId());
        body.put("actingUserId", sandbox.actingUser().orElse(null));
        return body;
    }

    private ObjectNode pubSubState() {
        ObjectNode body = Json.object();
        sandbox.pubSub().ifPresentOrElse(server -> {
            body.put("enabled", true);
            body.put("endpoint", server.endpoint());
            body.put("port", server.port());
            body.put("plaintext", server.plaintext());
            body.put("certificatePath", server.certificatePath().map(Object::toString).orElse(null));
            body.put("paused", server.paused());
            ArrayNode subscribers = body.putArray("subscribers");
            for (PubSubServer.SubscriberInfo info : server.subscribers()) {
                ObjectNode node = subscribers.addObject();
                node.put("id", info.id());
                node.put("topic", info.topic());
                node.put("pendingNumRequested", info.pendingNumRequested());
                node.put("delivered", info.delivered());
            }
        }, () -> body.put("enabled", false));
        return body;
    }

    private ObjectNode events(int limit) {
        ObjectNode body = Json.object();
        ArrayNode events = body.putArray("events");
        List<EventBus.StoredEvent> retained = sandbox.eventBus().retained();
        for (EventBus.StoredEvent event : retained.subList(Math.max(0, retained.size() - limit), retained.size())) {
            ObjectNode node = events.addObject();
            node.put("replayId", Base64.getEncoder().encodeToString(event.replayId()));
            node.put("topic", event.topic());
            node.put("schemaId", event.schemaId());
            node.put("eventId", event.eventId());
            node.set("payload", decode(event));
        }
        return body;
    }

    /** The event's Avro payload as JSON (Avro's own JSON rendering of the record). */
    private JsonNode decode(EventBus.StoredEvent event) {
        Schema schema = sandbox.changeCapture().layoutForSchemaId(event.schemaId()).map(l -> l.schema())
                .orElse(event.schemaId().equals(PlatformEventType.TANDEM_SYNC.schemaId())
                        ? PlatformEventType.TANDEM_SYNC.schema() : null);
        if (schema == null) {
            return Json.object();
        }
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(event.payload(), null));
            return Json.MAPPER.readTree(record.toString());
        } catch (IOException | RuntimeException e) {
            ObjectNode failed = Json.object();
            failed.put("undecodable", e.getMessage());
            return failed;
        }
    }

    private static JsonNode parse(byte[] body) {
        return body == null || body.length == 0 ? Json.object() : Json.parseBody(body);
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest(ApiError.of("INVALID_INPUT", message, List.of()));
    }
}
