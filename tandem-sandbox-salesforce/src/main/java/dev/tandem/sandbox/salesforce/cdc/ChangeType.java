package dev.tandem.sandbox.salesforce.cdc;

import java.util.Arrays;
import java.util.List;

/**
 * {@code ChangeEventHeader.changeType} (spec §4.2): data changes, gap events (header only, when Salesforce could
 * not produce the change event) and GAP_OVERFLOW (more than 100,000 records changed in one transaction).
 */
public enum ChangeType {
    CREATE, UPDATE, DELETE, UNDELETE, GAP_CREATE, GAP_UPDATE, GAP_DELETE, GAP_UNDELETE, GAP_OVERFLOW, SNAPSHOT;

    static List<String> symbols() {
        return Arrays.stream(values()).map(Enum::name).toList();
    }

    public boolean gap() {
        return name().startsWith("GAP_");
    }
}
