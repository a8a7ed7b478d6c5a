package dev.tandem.server.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * What the alert conditions read from a running Tandem: counts from the store, the runtime's paused flows, the
 * connectors' health. The server implements it over its store and metrics; the {@link AlertEngine} calls it from its
 * own thread every {@code alerts.evaluateEvery}, so every method must be thread-safe and cheap (an indexed count, a
 * gauge), and must return only what an alert may show: ids, counts, error codes, short reasons, never record
 * payloads or credentials.
 *
 * <p>A method may throw when its source cannot be read (the store is down): the engine then leaves that rule's
 * alerts as they were, neither firing nor resolving them, and logs the failure.
 */
public interface AlertSignals {

    /** The ids of the flows known now (enabled or not): the subjects of a {@code perFlow} rule. */
    Set<String> flows();

    /**
     * The dead letters created since {@code since}.
     *
     * @param flow one flow's id, or null for all flows
     */
    DeadLetters deadLetters(String flow, Instant since);

    /**
     * How many records finished processing since {@code since} and how many of those failed (were retried or
     * dead-lettered): the inputs of the error rate.
     *
     * @param flow one flow's id, or null for all flows
     */
    Throughput throughput(String flow, Instant since);

    /** The flows paused now (by an open circuit breaker, or by an operator), with why and since when. */
    List<PausedFlow> pausedFlows();

    /** Authentication failures against Salesforce or Clarity (a refused token request, a 401 after re-login) since {@code since}. */
    long authFailures(Instant since);

    /**
     * The share of the org's daily API requests used, 0–100, from the last {@code Sforce-Limit-Info: api-usage=used/max}
     * response header or {@code /limits} ("DailyApiRequests",
     * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm); empty while
     * unknown (no call made yet).
     */
    OptionalDouble salesforceApiUsagePercent();

    /** The ingest sources by name ({@code clarityPoll}, {@code clarityWebhook}, {@code salesforceCdc}, ...). */
    Map<String, SourceState> sources();

    /** How long the record that has waited longest for a retry has waited; empty when the retry queue is empty. */
    Optional<Duration> oldestRetryAge();

    /** The last reconciliation of each object reconciled since the start (empty when none ran). */
    default List<Drift> reconcileDrift() {
        return List.of();
    }

    /**
     * @param object    {@code products}, …
     * @param drift     drifted or missing records it found; -1 when it did not finish (an outage)
     * @param at        when it finished
     * @param threshold {@code reconcile.alertThreshold}: a rule without a threshold of its own takes it
     */
    record Drift(String object, long drift, Instant at, long threshold) {
    }

    /**
     * @param count     dead letters in the window
     * @param newestIds the ids of the newest of them (at most a few, newest first), for links to each
     */
    record DeadLetters(long count, List<String> newestIds) {
        public DeadLetters {
            if (count < 0) {
                throw new IllegalArgumentException("count must not be negative, got " + count);
            }
            newestIds = List.copyOf(newestIds);
        }
    }

    /**
     * @param processed records that finished in the window, failed ones included
     * @param failed    of those, the ones that failed
     */
    record Throughput(long processed, long failed) {
        public Throughput {
            if (processed < 0 || failed < 0 || failed > processed) {
                throw new IllegalArgumentException("need 0 <= failed <= processed, got failed " + failed
                        + " of " + processed);
            }
        }
    }

    /**
     * @param reason why, short and without payloads, e.g. {@code circuit open: SALESFORCE_UNAVAILABLE}
     * @param since  when it was paused
     */
    record PausedFlow(String flow, String reason, Instant since) {
        public PausedFlow {
            Objects.requireNonNull(flow, "flow");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(since, "since");
        }
    }

    /**
     * @param health       whether the source works now
     * @param lastActivity when it last received or fetched changes, or completed a poll; its start while it has
     *                     not yet (a source "silent" for longer than a rule's {@code silentFor} alerts)
     * @param detail       a short status line, e.g. {@code the last poll failed for [SalesOrder]: HTTP 503}; empty when fine
     */
    record SourceState(Health health, Instant lastActivity, String detail) {
        public SourceState {
            Objects.requireNonNull(health, "health");
            Objects.requireNonNull(lastActivity, "lastActivity");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** A source's health as its owner reports it. */
    enum Health {
        OK, FAILING
    }
}
