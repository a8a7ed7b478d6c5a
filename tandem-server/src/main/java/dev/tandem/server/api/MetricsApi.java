package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.IngestStats;
import dev.tandem.core.state.SettleStats;
import dev.tandem.salesforce.model.ApiUsage;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code GET /api/v1/metrics/summary?window=1h&bucket=5m} — the dashboard's numbers per flow and overall, from the
 * audit trail (so they survive restarts): events synced, skipped, retried and dead-lettered per time bucket,
 * latency percentiles (receipt → settlement, as upper bounds of a fixed histogram: "p95 ≤ 250 ms"), and
 * Salesforce API calls per synced record since start.
 *
 * <p>For the console's charts it also answers {@code overall.series}: every bucket of the window (empty ones as
 * zeros, so a chart's time axis has no gaps) with the events received ({@code eventsIn}, from the event log), the
 * outcomes and that bucket's latency percentiles; {@code ingest}: each change source's health (webhook, poller,
 * CDC), when its system's last event arrived and how late (receipt − change time; for CDC the change event's commit
 * timestamp, so the CDC lag), with a per-system series; and {@code salesforceApi.budget}: the org's daily API
 * requests used and allowed as Salesforce last reported them in the {@code Sforce-Limit-Info} header
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm), null before the
 * first call.
 */
public final class MetricsApi {

    private static final Map<String, Duration> WINDOWS = Map.of("15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1),
            "6h", Duration.ofHours(6), "24h", Duration.ofDays(1), "1d", Duration.ofDays(1), "7d", Duration.ofDays(7));
    private static final Map<String, Duration> BUCKETS = Map.of("1m", Duration.ofMinutes(1), "5m", Duration.ofMinutes(5),
            "15m", Duration.ofMinutes(15), "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));
    private static final int MAX_BUCKETS = 2_000;

    private final StateStore store;
    private final LongSupplier salesforceCalls;
    private final LongSupplier syncedSinceStart;
    private final Clock clock;
    /** The ingest side; set by the server once its sources exist ({@link #reportIngest}). */
    private volatile EventLog eventLog;
    private volatile Supplier<Map<String, SourceHealth>> sourceHealth = Map::of;
    private volatile Function<String, Optional<Instant>> lastArrival = system -> Optional.empty();
    private volatile Supplier<Optional<ApiUsage>> apiUsage = Optional::empty;

    public MetricsApi(StateStore store, LongSupplier salesforceCalls, LongSupplier syncedSinceStart, Clock clock) {
        this.store = store;
        this.salesforceCalls = salesforceCalls;
        this.syncedSinceStart = syncedSinceStart;
        this.clock = clock;
    }

    /**
     * Adds the ingest side to the answer: events in per bucket and their lag from {@code log}, each change source's
     * health by name (e.g. {@code clarity.webhook}), and when each system's last event arrived.
     */
    public MetricsApi reportIngest(EventLog log, Supplier<Map<String, SourceHealth>> health,
                                   Function<String, Optional<Instant>> arrivals) {
        this.eventLog = log;
        this.sourceHealth = health;
        this.lastArrival = arrivals;
        return this;
    }

    /** Adds the org's daily API budget as the Salesforce client last read it from {@code Sforce-Limit-Info}. */
    public MetricsApi reportApiUsage(Supplier<Optional<ApiUsage>> usage) {
        this.apiUsage = usage;
        return this;
    }

    public void register(ApiRoutes routes) {
        routes.get("/metrics/summary", Role.VIEWER, guarded(this::summary));
    }

    private void summary(Context ctx) {
        Duration window = pick(ctx, "window", WINDOWS, "1h");
        Duration bucket = pick(ctx, "bucket", BUCKETS, window.compareTo(Duration.ofDays(1)) >= 0 ? "1h" : "5m");
        if (window.toMillis() / bucket.toMillis() > MAX_BUCKETS) {
            throw badRequest("window / bucket gives more than " + MAX_BUCKETS + " buckets; choose a larger bucket");
        }
        Instant since = clock.instant().minus(window);
        List<SettleStats> stats = store.settleStats(since, bucket);
        ObjectNode body = JSON.createObjectNode();
        body.put("window", ctx.queryParamAsClass("window", String.class).getOrDefault("1h"));
        body.put("since", since.toString());
        body.put("bucketSeconds", bucket.toSeconds());
        Map<String, List<SettleStats>> byFlow = new LinkedHashMap<>();
        stats.forEach(s -> byFlow.computeIfAbsent(s.flow(), f -> new java.util.ArrayList<>()).add(s));
        ObjectNode flows = body.putObject("flows");
        long[] all = new long[SettleStats.BOUNDS_MS.length + 1];
        long[] totals = new long[4];
        for (var e : byFlow.entrySet()) {
            ObjectNode f = flows.putObject(e.getKey());
            long[] hist = new long[SettleStats.BOUNDS_MS.length + 1];
            long[] t = new long[4];
            ArrayNode series = f.putArray("series");
            for (SettleStats s : e.getValue()) {
                ObjectNode b = series.addObject();
                b.put("at", s.bucket().toString());
                b.put("synced", s.synced());
                b.put("skipped", s.skipped());
                b.put("retried", s.retried());
                b.put("deadLettered", s.deadLettered());
                percentiles(b, s.histogram());
                for (int i = 0; i < hist.length; i++) {
                    hist[i] += s.histogram()[i];
                    all[i] += s.histogram()[i];
                }
                t[0] += s.synced();
                t[1] += s.skipped();
                t[2] += s.retried();
                t[3] += s.deadLettered();
            }
            totals(f, t, hist);
            for (int i = 0; i < 4; i++) {
                totals[i] += t[i];
            }
        }
        ObjectNode overall = body.putObject("overall");
        totals(overall, totals, all);
        List<IngestStats> ingest = eventLog == null ? List.of() : eventLog.ingestStats(since, bucket);
        List<Instant> buckets = buckets(since, bucket);
        overallSeries(overall.putArray("series"), buckets, stats, ingest);
        ingest(body.putObject("ingest"), buckets, ingest);
        long calls = salesforceCalls.getAsLong();
        long synced = syncedSinceStart.getAsLong();
        ObjectNode api = body.putObject("salesforceApi");
        api.put("callsSinceStart", calls);
        api.put("syncedSinceStart", synced);
        api.put("callsPerSyncedRecord", synced == 0 ? 0 : Math.round(1000.0 * calls / synced) / 1000.0);
        Optional<ApiUsage> usage = apiUsage.get();
        if (usage.isPresent()) {
            ObjectNode budget = api.putObject("budget");
            budget.put("used", usage.get().used());
            budget.put("max", usage.get().max());
            budget.put("percent", Math.round(1000.0 * usage.get().fraction()) / 10.0);
        } else {
            api.putNull("budget");
        }
        json(ctx, body);
    }

    /** The start of every bucket from the one holding {@code since} to the one holding now, aligned as the stores align them. */
    private List<Instant> buckets(Instant since, Duration bucket) {
        long size = Math.max(1000, bucket.toMillis());
        long now = clock.millis();
        List<Instant> out = new java.util.ArrayList<>();
        for (long b = (since.toEpochMilli() / size) * size; b <= now; b += size) {
            out.add(Instant.ofEpochMilli(b));
        }
        return out;
    }

    /** Every bucket over all flows: events in, the outcomes, and the bucket's own latency percentiles. */
    private static void overallSeries(ArrayNode out, List<Instant> buckets, List<SettleStats> stats,
                                      List<IngestStats> ingest) {
        Map<Instant, long[]> counts = new TreeMap<>();
        Map<Instant, long[]> hists = new TreeMap<>();
        for (SettleStats s : stats) {
            long[] c = counts.computeIfAbsent(s.bucket(), b -> new long[5]);
            c[1] += s.synced();
            c[2] += s.skipped();
            c[3] += s.retried();
            c[4] += s.deadLettered();
            long[] h = hists.computeIfAbsent(s.bucket(), b -> new long[SettleStats.BOUNDS_MS.length + 1]);
            for (int i = 0; i < h.length; i++) {
                h[i] += s.histogram()[i];
            }
        }
        ingest.forEach(i -> counts.computeIfAbsent(i.bucket(), b -> new long[5])[0] += i.received());
        for (Instant at : buckets) {
            long[] c = counts.getOrDefault(at, new long[5]);
            ObjectNode b = out.addObject();
            b.put("at", at.toString());
            b.put("eventsIn", c[0]);
            b.put("synced", c[1]);
            b.put("skipped", c[2]);
            b.put("retried", c[3]);
            b.put("deadLettered", c[4]);
            percentiles(b, hists.getOrDefault(at, new long[SettleStats.BOUNDS_MS.length + 1]));
        }
    }

    /**
     * Each change source's health and its system's latest arrival and lag, and per system a series of events in
     * and their lag (every bucket, empty ones as zeros).
     */
    private void ingest(ObjectNode out, List<Instant> buckets, List<IngestStats> ingest) {
        Map<String, TreeMap<Instant, IngestStats>> bySystem = new TreeMap<>();
        ingest.forEach(i -> bySystem.computeIfAbsent(i.source(), s -> new TreeMap<>()).put(i.bucket(), i));
        ArrayNode sources = out.putArray("sources");
        for (var e : new TreeMap<>(sourceHealth.get()).entrySet()) {
            String name = e.getKey();
            String system = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            bySystem.computeIfAbsent(system, s -> new TreeMap<>());
            ObjectNode n = sources.addObject();
            n.put("name", name);
            n.put("system", system);
            n.put("state", e.getValue().state().name());
            n.put("message", e.getValue().message());
            n.put("lastEventAt", lastArrival.apply(system).map(Instant::toString).orElse(null));
            TreeMap<Instant, IngestStats> series = bySystem.get(system);
            IngestStats latest = series.isEmpty() ? null : series.lastEntry().getValue();
            if (latest == null) {
                n.putNull("lagMs");
            } else {
                n.put("lagMs", latest.maxLagMillis());
            }
            ObjectNode parts = n.putObject("details");
            e.getValue().details().forEach(parts::put);
        }
        ObjectNode series = out.putObject("series");
        bySystem.forEach((system, byBucket) -> {
            ArrayNode s = series.putArray(system);
            for (Instant at : buckets) {
                IngestStats i = byBucket.get(at);
                ObjectNode b = s.addObject();
                b.put("at", at.toString());
                b.put("received", i == null ? 0 : i.received());
                b.put("maxLagMs", i == null ? 0 : i.maxLagMillis());
                b.put("avgLagMs", i == null ? 0 : i.avgLagMillis());
            }
        });
    }

    private static void percentiles(ObjectNode n, long[] hist) {
        long count = hist[hist.length - 1];
        for (double p : new double[]{0.5, 0.95, 0.99}) {
            n.put("p" + Math.round(p * 100), percentile(hist, count, p));
        }
    }

    private static void totals(ObjectNode n, long[] t, long[] hist) {
        n.put("synced", t[0]);
        n.put("skipped", t[1]);
        n.put("retried", t[2]);
        n.put("deadLettered", t[3]);
        long count = hist[hist.length - 1];
        ObjectNode latency = n.putObject("latencyMsAtMost");
        for (double p : new double[]{0.5, 0.95, 0.99}) {
            latency.put("p" + Math.round(p * 100), percentile(hist, count, p));
        }
    }

    /** The smallest histogram bound holding at least {@code p} of the events; null beyond the last bound or with none. */
    static Long percentile(long[] hist, long count, double p) {
        if (count == 0) {
            return null;
        }
        long need = (long) Math.ceil(p * count);
        for (int i = 0; i < SettleStats.BOUNDS_MS.length; i++) {
            if (hist[i] >= need) {
                return SettleStats.BOUNDS_MS[i];
            }
        }
        return null;
    }

    private static Duration pick(Context ctx, String name, Map<String, Duration> allowed, String otherwise) {
        String v = ctx.queryParam(name);
        Duration d = allowed.get(v == null ? otherwise : v);
        if (d == null) {
            throw badRequest("query parameter " + name + " must be one of " + new java.util.TreeSet<>(allowed.keySet())
                    + ", got '" + ApiSupport.clip(v) + "'");
        }
        return d;
    }
}
