package dev.tandem.server.reconcile;

import java.util.List;
import java.util.Map;

/**
 * What one reconciliation of an object found.
 *
 * @param object               {@code products}, …
 * @param flow                 the flow file whose mapping the Clarity records were run through
 * @param clarityRecords       Clarity records read
 * @param notMapped            Clarity records the flow does not write (its validation refuses them, or a filter
 *                             leaves them out): not compared, counted by reason code
 * @param salesforceRecords    Salesforce records read (those carrying a Clarity key), per object
 * @param compared             Salesforce records compared field by field (present on both sides), per object
 * @param missingInSalesforce  planned records Salesforce does not have, per object
 * @param missingInClarity     Salesforce records with a Clarity key no Clarity record maps to, per object
 * @param drifted              records present on both sides with at least one differing field, per object
 * @param fieldDifferences     differing fields in all, per object
 * @param differences          every difference, record by record and field by field
 * @param repair               what {@code --repair} enqueued, or null without it
 * @param salesforceApiCalls   Salesforce API calls made (describe and query pages)
 * @param clarityApiCalls      Clarity list pages read
 * @param seconds              how long it took
 */
public record ReconcileResult(String object, String flow, long clarityRecords, Map<String, Long> notMapped,
                              Map<String, Long> salesforceRecords, Map<String, Long> compared,
                              Map<String, Long> missingInSalesforce, Map<String, Long> missingInClarity,
                              Map<String, Long> drifted, Map<String, Long> fieldDifferences,
                              List<Difference> differences, Repair repair, long salesforceApiCalls,
                              long clarityApiCalls, double seconds) {

    /**
     * One difference: a record missing on one side, or one field of a record present on both. {@code rootKey}: the key
     * of the root record of the write group the record belongs to (an OrderItem's order), null when missing in
     * Clarity.
     */
    public record Difference(Kind kind, String entity, String key, String clarityId, String salesforceId, String field,
                             String clarityValue, String salesforceValue, String rootKey) {
    }

    public enum Kind {
        MISSING_IN_SALESFORCE, MISSING_IN_CLARITY, FIELD
    }

    /**
     * @param enqueued   events appended to the event log (one per Clarity record to sync again)
     * @param duplicates of them already in the log (the same repair appended before)
     * @param notRepaired records left as they are, each with why (a record deleted in Clarity: Tandem never deletes
     *                   in Salesforce; an order: the order flow writes an order once)
     * @param flowEnabled whether the flow is enabled in tandem.yaml: if not, the events wait until it is
     */
    public record Repair(long enqueued, long duplicates, Map<String, Long> notRepaired, boolean flowEnabled) {
    }

    /** Records that differ in any way: missing on either side or drifted. */
    public long drift() {
        return sum(missingInSalesforce) + sum(missingInClarity) + sum(drifted);
    }

    public ReconcileResult withRepair(Repair r) {
        return new ReconcileResult(object, flow, clarityRecords, notMapped, salesforceRecords, compared,
                missingInSalesforce, missingInClarity, drifted, fieldDifferences, differences, r, salesforceApiCalls,
                clarityApiCalls, seconds);
    }

    static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }
}
