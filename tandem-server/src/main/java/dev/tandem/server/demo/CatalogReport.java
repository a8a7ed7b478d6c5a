package dev.tandem.server.demo;

/**
 * The summary of {@code tandem demo --scenario catalog}, written by {@code --report FILE}. Every count except
 * {@code stockEventsReceived} and {@code eventsCoalesced} is read from the two sandboxes over their APIs after
 * settling (the Clarity REST API: products, {@code /Pricing/Prices/ForProduct/{ID}/Quantity/1},
 * {@code /Providers/Inventory/CalculateInventory/{ID}}; the Salesforce REST API: SOQL on Product2 and
 * PricebookEntry), not from Tandem's own counters.
 *
 * @param products            products in the Clarity sandbox
 * @param salesforceProducts  Product2 records with a Clarity product key
 * @param pricebookEntries    PricebookEntry records with a Clarity price key (standard and custom price books)
 * @param missingInSalesforce Clarity products without a Product2 of their key
 * @param priceMismatches     Clarity products with a price whose standard entry is missing, or whose UnitPrice
 *                            differs from Clarity's base price for one unit (rounded to cents, as the flow writes it)
 * @param quantityMismatches  Clarity products whose Product2 {@code Clarity_Quantity_On_Hand__c} is missing or differs
 *                            from Clarity's {@code QuantityOnHand}
 * @param statusMismatches    Clarity products whose Product2 or standard entry {@code IsActive} differs from
 *                            Clarity's (active and not discontinued)
 * @param duplicates          Product2 records beyond the first sharing a Clarity product key
 * @param salesforceApiCalls  Salesforce API requests Tandem made: the sandbox's own count before the report's reads,
 *                            minus the demo's hand edits ({@code --inject-drift})
 * @param created             products the demo created in Clarity
 * @param priceChanges        price changes the demo made in Clarity
 * @param deactivated         products the demo deactivated in Clarity
 * @param stockChanges        stock changes the demo made in Clarity (initial stock and bursts)
 * @param stockEventsReceived {@code Inventory.Changed} events in Tandem's event log
 * @param eventsCoalesced     of those, events that did not need a Salesforce write of their own (Tandem's audit
 *                            trail: stock events minus the inventory flow's distinct writes)
 * @param drift               the drift injected into Salesforce after settling ({@code --inject-drift}), or none
 * @param seconds             from the first change to settlement
 */
public record CatalogReport(long products, long salesforceProducts, long pricebookEntries, long missingInSalesforce,
                            long priceMismatches, long quantityMismatches, long statusMismatches, long duplicates,
                            long salesforceApiCalls, int created, int priceChanges, int deactivated, int stockChanges,
                            long stockEventsReceived, long eventsCoalesced, String drift, double seconds) {

    /** Nothing missing, mismatched or duplicated: the exit status 0 of the demo. */
    public boolean consistent() {
        return missingInSalesforce == 0 && priceMismatches == 0 && quantityMismatches == 0 && statusMismatches == 0
                && duplicates == 0;
    }
}
