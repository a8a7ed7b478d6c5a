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
 */
public record BackfillSummary(String object, String flow, String status, String message, boolean dryRun,
                              long read, long written, long failed, long skipped, long resumedFrom,
                              Map<String, Long> rows, long created, long updated, long bulkJobs, long apiCalls,
                              double seconds) {

    public BackfillSummary {
        message = message == null ? "" : message;
        rows = Map.copyOf(rows);
    }

    static BackfillSummary skipped(BackfillObject object, String why) {
        return new BackfillSummary(object.id(), object.flow(), "skipped", why, false, 0, 0, 0, 0, 0, Map.of(), 0, 0,
                0, 0, 0);
    }
}
