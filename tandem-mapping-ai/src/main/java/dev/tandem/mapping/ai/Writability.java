package dev.tandem.mapping.ai;

import java.util.Optional;

/**
 * Which target fields a mapping may write: createable or updateable ones, never a calculated (formula) field, an
 * auto number, the record id or a lookup (a reference holds another record's Salesforce id, which sample values of
 * another system never are: it is set by a lookup or an upsert reference, not by a field mapping). Returns why a
 * field is left out, or empty when it is a candidate.
 */
public final class Writability {

    private Writability() {
    }

    public static Optional<String> excluded(TargetField f) {
        if (!f.createable() && !f.updateable()) {
            return Optional.of("read-only (neither createable nor updateable)");
        }
        if (f.calculated()) {
            return Optional.of("calculated (a formula field)");
        }
        return switch (f.type()) {
            case "id" -> Optional.of("the record id");
            case "reference" -> Optional.of("a lookup to another record (set by an upsert reference, not a value)");
            case "address", "location" -> Optional.of("a compound field (write its components)");
            case "base64" -> Optional.of("binary content");
            default -> Optional.empty();
        };
    }

    public static boolean writable(TargetField f) {
        return excluded(f).isEmpty();
    }
}
