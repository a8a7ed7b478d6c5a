package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.SettleStats;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code GET /api/v1/metrics/summary?window=1h&bucket=5m} — the dashboard's numbers per flow and overall, from the
 * audit trail (so they survive restarts): events synced, skipped, retried and dead-lettered per time bucket,
 * latency percentiles (receipt → settlement, as upper bounds of a fixed histogram: "p95 ≤ 250 ms"), and
 * Salesforce API calls per synced record since start.
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

    public MetricsApi(StateStore store, LongSupplier salesforceCalls, LongSupplier syncedSinceStart, Clock clock) {
        this.store = store;
        this.salesforceCalls = salesforceCalls;
        this.syncedSinceStart = syncedSinceStart;
        this.clock = clock;
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
        totals(body.putObject("overall"), totals, all);
        long calls = salesforceCalls.getAsLong();
        long synced = syncedSinceStart.getAsLong();
        ObjectNode api = body.putObject("salesforceApi");
        api.put("callsSinceStart", calls);
        api.put("syncedSinceStart", synced);
        api.put("callsPerSyncedRecord", synced == 0 ? 0 : Math.round(1000.0 * calls / synced) / 1000.0);
        json(ctx, body);
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
