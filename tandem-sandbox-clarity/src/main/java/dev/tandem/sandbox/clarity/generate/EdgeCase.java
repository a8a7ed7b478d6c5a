package dev.tandem.sandbox.clarity.generate;

import java.util.List;

/**
 * Awkward but valid customer data the generator mixes in at {@code edgeCaseRate} (issue 4, point 5), so an
 * integration meets it in a demo before it meets it in production; and the order shapes of {@link #ORDER_CASES}
 * (issue 7 items 2 and 5).
 */
public enum EdgeCase {
    /** Clean data. */
    NONE,
    /** No {@code LastName} anywhere (null, so omitted on the wire). */
    MISSING_LAST_NAME,
    /** Names outside Latin-1: CJK, Cyrillic, Greek, combining marks and an emoji. */
    UNICODE_NAME,
    /** A last name of exactly {@link #NAME_LIMIT} characters. */
    NAME_AT_LIMIT,
    /** A last name longer than {@link #NAME_LIMIT} characters, which a target with that limit must truncate or reject. */
    NAME_OVER_LIMIT,
    /** A phone number in one of the many shapes people type. */
    ODD_PHONE,
    /**
     * An order that names its billing contact by {@code BillingContactID}/{@code BillingContactKey} only, without the
     * embedded {@code BillingContact} (and without {@code ShippingContact} when it ships to the billing contact).
     * Legal: both objects are nullable in {@code SalesCollectionBaseModel} and nulls are omitted (spec §2, §6)
     * [inferred: the spec does not say when CEF leaves them out]. The contact is served by
     * {@code /Contacts/Contact/ID/{ID}}.
     */
    BILLING_CONTACT_BY_ID,
    /**
     * An order whose stated {@code Totals.Total} (and {@code BalanceDue}) disagrees with its lines and other totals,
     * e.g. 12.50 against 3,913.39: a stale or mis-keyed total an integration must catch.
     */
    TOTAL_MISMATCH;

    /**
     * The length the long-name cases aim at: 128, the one field limit spec §2 documents ({@code CustomKey}, max 128).
     * CEF's name columns are assumed to share it [INFERRED].
     */
    public static final int NAME_LIMIT = 128;

    /** The customer edge cases, drawn uniformly. */
    static final List<EdgeCase> CUSTOMER_CASES = List.of(MISSING_LAST_NAME, UNICODE_NAME, NAME_AT_LIMIT,
            NAME_OVER_LIMIT, ODD_PHONE);

    /** The order edge cases, drawn uniformly for an order that gets one. */
    static final List<EdgeCase> ORDER_CASES = List.of(BILLING_CONTACT_BY_ID, TOTAL_MISMATCH);

    static final List<String> UNICODE_FIRST_NAMES = List.of("美咲", "Дмитрий", "Αλέξανδρος", "Nguyễn Thị", "Zoë 🌿",
            "Søren", "Małgorzata");

    static final List<String> UNICODE_LAST_NAMES = List.of("山田", "Иванов", "Παπαδόπουλος", "Trần", "Ñúñez-Ødegård",
            "Ólafsdóttir", "Wójcik");

    static final List<String> PHONE_FORMATS = List.of("(512) 555-0100", "512.555.0142", "5125550199",
            "+1 (512) 555-0123 ext. 42", "001-512-555-0177", "+44 (0)20 7946 0958", "030 12345678",
            "  +49-30-1234567 ", "555-0100 x7");
}
