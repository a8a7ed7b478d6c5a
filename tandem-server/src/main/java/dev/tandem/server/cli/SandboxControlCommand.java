package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Drives a running sandbox through its control API ({@code /_sandbox/}, not a path of the real service): faults,
 * token revocation, limit exhaustion, reset, dump. The same actions as the sandboxes' Java API, for a sandbox
 * started with {@code tandem sandbox salesforce|clarity} in another terminal.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
        description = "Sends a control action to a running sandbox (its /_sandbox/ API).%n"
                + "Actions: faults, revoke-tokens, exhaust-limit, refresh-token (Salesforce), expire-sessions (Clarity), "
                + "reset, dump, stats.%n"
                + "Salesforce CDC / Pub/Sub: cdc, cdc-events, cdc-entities (--entities or --all), gap (--entity,"
                + " --change-type, --record-ids), expire-replay-ids, as-user [--user-id], as-integration-user, pubsub,"
                + " pause, resume, drop-stream [--topic].")
final class SandboxControlCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--url", required = true, paramLabel = "URL",
            description = "The sandbox's address, e.g. http://127.0.0.1:8081")
    URI url;
    @Parameters(index = "0", paramLabel = "ACTION", description = "faults | revoke-tokens | exhaust-limit | refresh-token | expire-sessions | reset | dump | stats | cdc | cdc-events | cdc-entities | gap | expire-replay-ids | as-user | as-integration-user | pubsub | pause | resume | drop-stream")
    String action;
    @Option(names = "--latency-ms", description = "faults: latency added to each call")
    Long latencyMillis;
    @Option(names = "--error-rate", description = "faults: share of calls failing (Salesforce 503; Clarity --error-status)")
    Double errorRate;
    @Option(names = "--lock-error-rate", description = "faults (Salesforce): share of writes failing with UNABLE_TO_LOCK_ROW")
    Double lockErrorRate;
    @Option(names = "--error-status", description = "faults (Clarity): 500 or 503")
    Integer errorStatus;
    @Option(names = "--clarity", description = "faults: use the Clarity sandbox's field names (errorRate, errorStatus)")
    boolean clarity;
    @Option(names = "--entities", split = ",", paramLabel = "OBJECT", description = "cdc-entities: the objects that publish change events")
    java.util.List<String> entities;
    @Option(names = "--all", description = "cdc-entities: every object publishes change events")
    boolean allEntities;
    @Option(names = "--entity", paramLabel = "OBJECT", description = "gap: the object of the gap event, e.g. Account")
    String entity;
    @Option(names = "--change-type", defaultValue = "GAP_UPDATE", description = "gap: GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE or GAP_OVERFLOW (default ${DEFAULT-VALUE})")
    String changeType;
    @Option(names = "--record-ids", split = ",", paramLabel = "ID", description = "gap: the record ids of the gap event")
    java.util.List<String> recordIds;
    @Option(names = "--user-id", description = "as-user: the commitUser of the following changes (default: the org's human user)")
    String userId;
    @Option(names = "--topic", description = "drop-stream: only the streams of this topic (default: all)")
    String topic;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (url.getScheme() == null || !url.getScheme().startsWith("http") || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be an http(s) address, got " + url);
        }
        String base = url.getScheme() + "://" + url.getAuthority() + "/_sandbox/";
        HttpRequest.Builder request = switch (action) {
            case "faults" -> post(base + "faults", faultsBody());
            case "revoke-tokens" -> post(base + "revoke-tokens", "{}");
            case "exhaust-limit" -> post(base + "exhaust-limit", "{}");
            case "refresh-token" -> post(base + "refresh-tokens", "{}");
            case "expire-sessions" -> post(base + "sessions/expire", "{}");
            case "reset" -> post(base + "reset", "{}");
            case "dump" -> HttpRequest.newBuilder(URI.create(base + "dump")).GET();
            case "stats" -> HttpRequest.newBuilder(URI.create(base + "stats")).GET();
            case "cdc" -> HttpRequest.newBuilder(URI.create(base + "cdc")).GET();
            case "cdc-events" -> HttpRequest.newBuilder(URI.create(base + "cdc/events")).GET();
            case "cdc-entities" -> post(base + "cdc/entities", entitiesBody());
            case "gap" -> post(base + "cdc/gap", gapBody());
            case "expire-replay-ids" -> post(base + "cdc/expire-replay-ids", "{}");
            case "as-user" -> post(base + "cdc/as-user", userId == null ? "{}"
                    : JSON.createObjectNode().put("userId", userId).toString());
            case "as-integration-user" -> HttpRequest.newBuilder(URI.create(base + "cdc/as-user")).DELETE();
            case "pubsub" -> HttpRequest.newBuilder(URI.create(base + "pubsub")).GET();
            case "pause" -> post(base + "pubsub/pause", "{\"paused\":true}");
            case "resume" -> post(base + "pubsub/resume", "{}");
            case "drop-stream" -> post(base + "pubsub/drop", topic == null ? "{}"
                    : JSON.createObjectNode().put("topic", topic).toString());
            default -> throw new IllegalArgumentException("unknown action '" + action
                    + "' (faults, revoke-tokens, exhaust-limit, refresh-token, expire-sessions, reset, dump, stats,"
                    + " cdc, cdc-events, cdc-entities, gap, expire-replay-ids, as-user, as-integration-user, pubsub,"
                    + " pause, resume, drop-stream)");
        };
        HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                .send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(action + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
        System.out.println(response.body().isEmpty() ? action + ": done" : response.body());
        return 0;
    }

    private String entitiesBody() {
        ObjectNode body = JSON.createObjectNode();
        if (allEntities) {
            body.putNull("entities");
        } else if (entities != null && !entities.isEmpty()) {
            entities.forEach(body.putArray("entities")::add);
        } else {
            throw new IllegalArgumentException("cdc-entities needs --entities A,B or --all");
        }
        return body.toString();
    }

    private String gapBody() {
        if (entity == null) {
            throw new IllegalArgumentException("gap needs --entity");
        }
        ObjectNode body = JSON.createObjectNode().put("entity", entity).put("changeType", changeType);
        if (recordIds != null) {
            recordIds.forEach(body.putArray("recordIds")::add);
        }
        return body.toString();
    }

    private String faultsBody() {
        ObjectNode body = JSON.createObjectNode();
        if (latencyMillis != null) {
            body.put("latencyMillis", latencyMillis);
        }
        if (errorRate != null) {
            body.put(clarity ? "errorRate" : "serverErrorRate", errorRate);
        }
        if (lockErrorRate != null) {
            body.put("lockErrorRate", lockErrorRate);
        }
        if (errorStatus != null) {
            body.put("errorStatus", errorStatus);
        }
        if (body.isEmpty()) {
            throw new IllegalArgumentException("faults needs at least one of --latency-ms, --error-rate, --lock-error-rate, --error-status");
        }
        return body.toString();
    }

    private static HttpRequest.Builder post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }
}
