package dev.tandem.server.backfill;

import java.util.Map;

/**
 * What one object's backfill did (the summary line and the {@code --report} JSON).
 *
 * @param status      {@code complete}, {@code skipped} (its flow file is missing: {@code all} goes on) or
 *                    {@code aborted} (a configuration fault or an outage stopped it; run again to resume)
 * @param read        Clarity records read and settled, this run and the runs it resumed
 * @param written     records whose write plan reached Salesforce
 * @param failed      records dead-lettered
 * @param skipped     records the flow skipped (filtered out, already synced)
 * @param resumedFrom records the run found already done in its checkpoint (0 for a fresh start)
 * @param rows        Bulk rows per Salesforce object (this run)
 * @param created     Salesforce records created (this run; sf__Created)
 * @param updated     Salesforce records updated (this run)
 * @param bulkJobs    Bulk API jobs run (this run)
 * @param apiCalls    Salesforce API calls made (this run), Bulk and REST
 * @param seconds     this run's duration
 * @param secondsIn   where this run's time went, of {@code seconds}: {@code clarityPages} (waiting for the Clarity list: the next page is read while a chunk is mapped),
 *                    {@code duplicateMatch} (the {@code salesforce.match} look-ups), {@code bulkJobs} (Bulk API 2.0:
 *                    upload, waiting for the jobs, reading their results), {@code rest} (the flow's other steps:
 *                    related-record reads, validation, mapping, enrichers, master-data policy; the store's commits)
 */
public record BackfillSummary(String object, String flow, String status, String message, boolean dryRun,
                              long read, long written, long failed, long skipped, long resumedFrom,
                              Map<String, Long> rows, long created, long updated, long bulkJobs, long apiCalls,
                              double seconds, Map<String, Double> secondsIn) {

    public BackfillSummary {
        message = message == null ? "" : message;
        rows = Map.copyOf(rows);
        secondsIn = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(secondsIn)); // in its order
    }

    /** A summary without a breakdown of its time (nothing ran, or it stopped). */
    public BackfillSummary(String object, String flow, String status, String message, boolean dryRun, long read,
                           long written, long failed, long skipped, long resumedFrom, Map<String, Long> rows,
                           long created, long updated, long bulkJobs, long apiCalls, double seconds) {
        this(object, flow, status, message, dryRun, read, written, failed, skipped, resumedFrom, rows, created, updated,
                bulkJobs, apiCalls, seconds, Map.of());
    }

    static BackfillSummary skipped(BackfillObject object, String why) {
        return new BackfillSummary(object.id(), object.flow(), "skipped", why, false, 0, 0, 0, 0, 0, Map.of(), 0, 0,
                0, 0, 0);
    }
}
