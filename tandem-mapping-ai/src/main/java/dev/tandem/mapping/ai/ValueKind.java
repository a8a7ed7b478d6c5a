package dev.tandem.mapping.ai;

/** What a sample value looks like ({@link ValueProfile}). */
public enum ValueKind {
    BOOLEAN, INTEGER, DECIMAL, EMAIL, URL, PHONE, DATE, DATETIME, COUNTRY, STATE, POSTAL_CODE, ID, TEXT, LONG_TEXT
}
