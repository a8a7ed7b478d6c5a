package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /_sandbox/...}: the sandbox's own control API for demos, end-to-end tests and benchmarks. Not a
 * Salesforce path: no session needed, not metered. Resources: {@code faults} (GET/POST/DELETE),
 * {@code revoke-tokens}, {@code exhaust-limit}, {@code restore-limit} (a new day of the daily allocation),
 * {@code connected-app} (POST {"clientSecret"}: the consumer secret the app accepts), {@code refresh-tokens} (POST → {"refresh_token"}),
 * {@code duplicate-rules} (GET/POST {"contactByEmail":bool}), {@code person-accounts} (GET {"enabled":bool,
 * "recordTypeId"?}), {@code reset}, {@code stats}, {@code dump}.
 * Change Data Capture and Pub/Sub (issue 8): {@code cdc} (GET state), {@code cdc/entities} (POST
 * {"entities":[...]}, null = all), {@code cdc/gap} (POST {"entity","changeType":"GAP_UPDATE"|...|"GAP_OVERFLOW",
 * "recordIds":[...]}), {@code cdc/expire-replay-ids} (POST), {@code cdc/retention} (POST {"seconds":n}),
 * {@code cdc/as-user} (POST {"userId"?} / DELETE), {@code cdc/events} (GET ?limit=n, decoded),
 * {@code pubsub} (GET), {@code pubsub/pause} (POST {"paused":bool}), {@code pubsub/resume} (POST),
 * {@code pubsub/drop} (POST {"topic"?}).
 */
final class SandboxControlApi {

    private final FaultInjector faults;
    private final SalesforceSandbox sandbox;
    private final Supplier<ObjectNode> stats;

    private final CdcControl cdc;

    SandboxControlApi(FaultInjector faults, SalesforceSandbox sandbox, Supplier<ObjectNode> stats) {
        this.cdc = new CdcControl(sandbox);
        this.faults = faults;
        this.sandbox = sandbox;
        this.stats = stats;
    }

    ApiResponse handle(String method, String resource, byte[] body) {
        try {
            String key = resource.replaceAll("/+$", "") + " " + method;
            if (key.startsWith("cdc") || key.startsWith("pubsub")) {
                return cdc.handle(key, body);
            }
            return switch (key) {
                case "faults POST" -> {
                    applyFaults(Json.parseBody(body));
                    yield ApiResponse.of(200, currentFaults());
                }
                case "faults GET" -> ApiResponse.of(200, currentFaults());
                case "faults DELETE" -> {
                    faults.clear();
                    yield ApiResponse.of(200, currentFaults());
                }
                case "revoke-tokens POST" -> {
                    faults.revokeTokens();
                    yield ApiResponse.noContent();
                }
                case "exhaust-limit POST" -> {
                    faults.exhaustLimit();
                    yield ApiResponse.noContent();
                }
                case "restore-limit POST" -> {
                    faults.restoreLimit();
                    yield ApiResponse.noContent();
                }
                case "connected-app POST" -> {
                    JsonNode request = Json.parseBody(body);
                    if (!request.path("clientSecret").isTextual() || request.get("clientSecret").asText().isEmpty()) {
                        throw ApiException.badRequest(ApiError.of("INVALID_INPUT",
                                "clientSecret: a non-empty string is required", List.of()));
                    }
                    sandbox.setAcceptedClientSecret(request.get("clientSecret").asText());
                    yield ApiResponse.noContent();
                }
                case "refresh-tokens POST" -> {
                    ObjectNode token = Json.object();
                    token.put("refresh_token", sandbox.issueRefreshToken());
                    yield ApiResponse.of(200, token);
                }
                case "dump GET" -> ApiResponse.of(200, sandbox.dump());
                case "duplicate-rules GET" -> ApiResponse.of(200, duplicateRules());
                case "duplicate-rules POST" -> {
                    JsonNode request = Json.parseBody(body);
                    if (request.has("contactByEmail")) {
                        sandbox.setContactDuplicateRuleByEmail(request.get("contactByEmail").asBoolean());
                    }
                    yield ApiResponse.of(200, duplicateRules());
                }
                case "person-accounts GET" -> {
                    ObjectNode state = Json.object();
                    state.put("enabled", sandbox.personAccounts());
                    sandbox.recordTypeId(SalesforceSchema.ACCOUNT, SalesforceSchema.PERSON_ACCOUNT_RECORD_TYPE)
                            .ifPresent(id -> state.put("recordTypeId", id));
                    yield ApiResponse.of(200, state);
                }
                case "reset POST" -> {
                    sandbox.reset();
                    yield ApiResponse.of(200, stats.get());
                }
                case "stats GET" -> ApiResponse.of(200, stats.get());
                default -> throw ApiException.notFound(ApiError.notFound());
            };
        } catch (ApiException e) {
            return ApiResponse.error(e);
        }
    }

    /** Only the keys present change: {"serverErrorRate":0.05,"lockErrorRate":0.02,"latencyMillis":0}. */
    private void applyFaults(JsonNode request) {
        try {
            if (request.has("serverErrorRate")) {
                faults.setServerErrorRate(request.get("serverErrorRate").asDouble());
            }
            if (request.has("lockErrorRate")) {
                faults.setLockErrorRate(request.get("lockErrorRate").asDouble());
            }
            if (request.has("latencyMillis")) {
                faults.setLatency(Duration.ofMillis(request.get("latencyMillis").asLong()));
            }
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(ApiError.of("INVALID_INPUT", e.getMessage(), List.of()));
        }
    }

    private ObjectNode duplicateRules() {
        ObjectNode body = Json.object();
        body.put("contactByEmail", sandbox.contactDuplicateRuleByEmail());
        return body;
    }

    private ObjectNode currentFaults() {
        ObjectNode body = Json.object();
        body.put("serverErrorRate", faults.serverErrorRate());
        body.put("lockErrorRate", faults.lockErrorRate());
        body.put("latencyMillis", faults.latency().toMillis());
        return body;
    }
}
