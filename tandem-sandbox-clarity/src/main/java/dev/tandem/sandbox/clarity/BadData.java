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
    NO_ITEMS
}
