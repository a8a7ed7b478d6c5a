package dev.tandem.sandbox.salesforce.schema;

import java.util.Locale;

/** Salesforce field types the sandbox models; the names are the describe {@code type} values. */
public enum FieldType {
    ID, STRING, TEXTAREA, PHONE, URL, EMAIL, PICKLIST, BOOLEAN, CURRENCY, DOUBLE, DATE, DATETIME, REFERENCE, AUTONUMBER;

    public boolean isText() {
        return switch (this) {
            case STRING, TEXTAREA, PHONE, URL, EMAIL, PICKLIST, AUTONUMBER -> true;
            default -> false;
        };
    }

    public boolean isNumeric() {
        return this == CURRENCY || this == DOUBLE;
    }

    public boolean isIdLike() {
        return this == ID || this == REFERENCE;
    }

    public String describeName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
