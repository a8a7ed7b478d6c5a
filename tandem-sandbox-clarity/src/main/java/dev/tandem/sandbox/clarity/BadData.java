package dev.tandem.sandbox.clarity;

/** Defects a generated order can carry, so tests can see how an integration handles bad source data. */
public enum BadData {
    /** A clean order. */
    NONE,
    /** The order is placed by a new customer whose contact, user and order contacts have no {@code LastName}. */
    MISSING_LAST_NAME,
    /** A discount larger than the order, so {@code Totals.Total} is negative. */
    NEGATIVE_TOTAL,
    /** No {@code SalesItems} at all, and all totals zero. */
    NO_ITEMS,
    /**
     * {@code Totals.Total} and {@code BalanceDue} disagree with the lines and the other totals (the generator's
     * {@code TOTAL_MISMATCH} edge case, forced).
     */
    TOTAL_MISMATCH,
    /**
     * Not bad data but a legal shape, forced: the billing contact is named by {@code BillingContactID} only, not
     * embedded (the generator's {@code BILLING_CONTACT_BY_ID} edge case).
     */
    BILLING_CONTACT_BY_ID
}
