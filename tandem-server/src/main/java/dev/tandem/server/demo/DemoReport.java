package dev.tandem.server.demo;

/**
 * The demo's summary, written by {@code tandem demo --report FILE}. {@code synced} and
 * {@code duplicatesInSalesforce} are counted by querying the Salesforce sandbox over its REST API, not from
 * Tandem's own counters.
 *
 * @param orders                 orders created in Clarity
 * @param synced                 of those, orders present in Salesforce (by Clarity_Order_Key__c)
 * @param deadLettered           of those, orders not in Salesforce that Tandem dead-lettered with a reason
 * @param duplicatesInSalesforce Order records beyond one per Clarity order
 * @param lost                   orders neither in Salesforce nor dead-lettered
 * @param expectedBadOrders      orders generated with bad data on purpose
 * @param salesforceApiCalls     Salesforce API requests Tandem made (the sandbox's own count)
 * @param apiCallsPerSyncedOrder salesforceApiCalls / synced
 * @param seconds                from the first order to settlement
 */
public record DemoReport(int orders, long synced, long deadLettered, long duplicatesInSalesforce, long lost,
                         long expectedBadOrders, long salesforceApiCalls, double apiCallsPerSyncedOrder,
                         double seconds) {

    public boolean nothingLost() {
        return lost == 0 && duplicatesInSalesforce == 0;
    }
}
