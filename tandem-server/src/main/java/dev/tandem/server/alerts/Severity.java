package dev.tandem.server.alerts;

/** How urgent a rule's alert is; receivers route on it (a pager for {@code critical}, a channel for the rest). */
public enum Severity {
    INFO, WARNING, CRITICAL;

    /** As written in tandem.yaml and alert bodies: {@code warning}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
