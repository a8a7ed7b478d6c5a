package dev.tandem.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.RecordEdit;
import dev.tandem.core.ops.DeadLetterAutoRetry;
import dev.tandem.core.ops.DeadLetterService;
import dev.tandem.core.runtime.FlowPipeline;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.server.api.ApiRoutes;
import dev.tandem.server.api.DeadLetterApi;
import dev.tandem.server.api.FlowApi;
import dev.tandem.server.api.TimelineApi;
import dev.tandem.server.flows.PlanPreview;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The operator's side of Tandem (issue 9): dead letters, retries, flows and the record timeline on the admin API,
 * and the auto-retry of dead letters whose related records changed. Built by {@link TandemServer}.
 */
final class Operations implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterService deadLetters;
    private final DeadLetterAutoRetry autoRetry;
    private final DeadLetterApi deadLetterApi;
    private final FlowApi flowApi;
    private final TimelineApi timelineApi;
    private final dev.tandem.server.api.ConflictApi conflictApi;

    private final dev.tandem.server.api.MetricsApi metricsApi;
    private final dev.tandem.server.api.ProfileApi profileApi;

    Operations(EventLog eventLog, StateStore store, FlowRuntime runtime, Duration autoRetryInterval, Clock clock,
               java.util.function.LongSupplier salesforceCalls, java.util.function.LongSupplier synced,
               Map<String, dev.tandem.core.connector.ConnectorParts> connectors) {
        this.metricsApi = new dev.tandem.server.api.MetricsApi(store, salesforceCalls, synced, clock);
        this.deadLetters = new DeadLetterService(store, runtime::retriesChanged, (d, e) -> validate(runtime, d, e), clock);
        this.autoRetry = new DeadLetterAutoRetry(eventLog, store, deadLetters, autoRetryInterval, () ->
                runtime.pausedFlows().stream().map(dev.tandem.core.runtime.PausedFlow::flow)
                        .collect(java.util.stream.Collectors.toSet()));
        this.timelineApi = new TimelineApi(eventLog, store);
        this.deadLetterApi = new DeadLetterApi(store, eventLog, deadLetters, timelineApi);
        this.flowApi = new FlowApi(runtime, eventLog, store);
        this.conflictApi = new dev.tandem.server.api.ConflictApi(
                new dev.tandem.core.ops.ConflictService(store, store, connectors, clock));
        this.profileApi = new dev.tandem.server.api.ProfileApi(store instanceof dev.tandem.core.profile.ProfileStore p ? p
                : dev.tandem.core.profile.ProfileStore.memory(), () -> runtime.flows().stream()
                .map(dev.tandem.core.flow.Flow::name).collect(java.util.stream.Collectors.toSet()));
    }

    /** The dashboard's numbers; the server adds the ingest side and the API budget once its sources exist. */
    dev.tandem.server.api.MetricsApi metricsApi() {
        return metricsApi;
    }

    DeadLetterService deadLetters() {
        return deadLetters;
    }

    void register(ApiRoutes routes) {
        deadLetterApi.register(routes);
        flowApi.register(routes);
        timelineApi.register(routes);
        metricsApi.register(routes);
        conflictApi.register(routes);
        profileApi.register(routes);
    }

    void start() {
        autoRetry.start();
    }

    /**
     * Checks an operator's edit against the dead letter's flow: a replaced request is a valid write plan already
     * (checked when parsed); overridden source fields are run through the flow's real pipeline with nothing sent,
     * and a record that still fails before the write is refused with the flow's own reason.
     */
    static DeadLetterService.Validation validate(FlowRuntime runtime, DeadLetter d, RecordEdit edit) {
        Flow flow = runtime.flows().stream().filter(f -> f.name().equals(d.flow())).findFirst().orElse(null);
        if (flow == null) {
            return new DeadLetterService.Validation(List.of("flow " + d.flow() + " is not loaded; load it to retry"), null);
        }
        if (edit.source() == null || !(flow instanceof FlowPipeline pipeline)) {
            return DeadLetterService.Validation.ok(edit.request());
        }
        JsonNode payload;
        try {
            payload = d.payload() == null ? JSON.createObjectNode() : JSON.readTree(d.payload());
        } catch (java.io.IOException e) {
            payload = JSON.createObjectNode();
        }
        if (!payload.isObject()) {
            return new DeadLetterService.Validation(List.of("the dead letter has no source record to override fields of"), null);
        }
        ObjectNode merged;
        try {
            merged = JSON.readerForUpdating(payload.deepCopy()).readValue(edit.source());
        } catch (java.io.IOException e) {
            return new DeadLetterService.Validation(List.of("the source fields cannot be merged: " + e.getMessage()), null);
        }
        PlanPreview.Result r = PlanPreview.run(pipeline.spec(), merged);
        if (edit.request() != null) {
            return DeadLetterService.Validation.ok(edit.request());
        }
        if (r.outcome() instanceof FlowOutcome.Failed f && !"to".equals(f.details().step())) {
            return new DeadLetterService.Validation(List.of("with this edit the record still fails in step "
                    + f.details().step() + ": " + f.errorCode() + ": " + f.message()), null);
        }
        return DeadLetterService.Validation.ok(r.plan().map(p -> (JsonNode) JSON.valueToTree(p)).orElse(null));
    }

    @Override
    public void close() {
        autoRetry.close();
    }
}
