package dev.tandem.server.demo;

/**
 * The summary of {@code tandem demo --scenario customer360}, written by {@code --report FILE}. Every count except
 * {@code echoesDropped} and {@code conflicts} is taken from the two sandboxes over their APIs after settling (the
 * Clarity REST API and the Salesforce REST API), not from Tandem's own counters.
 *
 * @param customers          Clarity users (customers) in the Clarity sandbox
 * @param accounts           Salesforce Accounts
 * @param contacts           Salesforce Contacts
 * @param mismatchedFields   synced fields (first name, last name, e-mail, phone) of Clarity customers whose value
 *                           differs from their Salesforce Contact's, compared as the mappings write them (names
 *                           trimmed); a customer without a Salesforce Contact counts all four
 * @param missingInSalesforce Clarity customers without a Salesforce Contact of their Clarity key (their fields are in
 *                           {@code mismatchedFields} too)
 * @param duplicates         Salesforce Contacts beyond the first sharing a Clarity key or a normalised e-mail
 * @param echoesDropped      Tandem's own writes that came back as changes and were dropped (Tandem's echo counter)
 * @param conflicts          conflicts in Tandem's review queue, open and resolved ({@code GET /api/v1/conflicts});
 *                           0 when the running Tandem has no such endpoint
 * @param salesforceApiCalls Salesforce API requests Tandem made: the sandbox's own count minus the simulated sales
 *                           rep's requests
 * @param registrations      customers the demo registered in Clarity
 * @param profileUpdates     phone changes the demo's customers made in their Clarity profile
 * @param repChanges         phone changes the simulated sales rep made in Salesforce
 * @param seconds            from the first change to settlement
 */
public record Customer360Report(long customers, long accounts, long contacts, long mismatchedFields,
                                long missingInSalesforce, long duplicates, long echoesDropped, long conflicts,
                                long salesforceApiCalls, int registrations, int profileUpdates, int repChanges,
                                double seconds) {

    /** Nothing mismatched and nothing duplicated: the exit status 0 of the demo. */
    public boolean consistent() {
        return mismatchedFields == 0 && duplicates == 0;
    }
}
