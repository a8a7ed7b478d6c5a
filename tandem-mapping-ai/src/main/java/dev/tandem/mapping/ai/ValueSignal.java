package dev.tandem.mapping.ai;

import java.util.Locale;
import java.util.Map;

/**
 * How well the source's sample values fit the target field: per {@link ValueKind}, a fit with the target's describe
 * type (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/primitive_data_types.htm
 * and field_types.htm), weighted by the kind's share of the samples; a picklist target counts the share of sample
 * values among its values; text longer than the target's length halves the fit. No samples: 0.5 (no evidence).
 */
public final class ValueSignal {

    private ValueSignal() {
    }

    public static double score(ValueProfile profile, TargetField target) {
        if (profile.values() == 0) {
            return 0.5;
        }
        double fit = 0;
        for (Map.Entry<ValueKind, Double> e : profile.shares().entrySet()) {
            fit += e.getValue() * fit(e.getKey(), target, profile);
        }
        if (target.isText() && target.length() > 0 && profile.maxLength() > target.length()) {
            fit *= 0.5;
        }
        return Math.max(0, Math.min(1, fit));
    }

    /** The share of distinct sample values that are (case-insensitively) values of the target's picklist. */
    static double picklistShare(ValueProfile profile, TargetField target) {
        if (profile.distinct().isEmpty() || target.picklistValues().isEmpty()) {
            return 0;
        }
        long in = profile.distinct().stream().filter(v -> target.picklistValues().stream()
                .anyMatch(p -> p.equalsIgnoreCase(v))).count();
        return (double) in / profile.distinct().size();
    }

    static double fit(ValueKind kind, TargetField target, ValueProfile profile) {
        String type = target.type().toLowerCase(Locale.ROOT);
        if (target.isPicklist() && !target.picklistValues().isEmpty()) {
            double share = picklistShare(profile, target);
            return switch (kind) {
                case TEXT, COUNTRY, STATE -> 0.1 + 0.9 * share;
                case BOOLEAN, INTEGER -> 0.15 + 0.6 * share;
                default -> 0.05 + 0.5 * share;
            };
        }
        return switch (kind) {
            case BOOLEAN -> type.equals("boolean") ? 1 : type.equals("string") ? 0.15 : 0.05;
            case INTEGER -> switch (type) {
                case "int", "long", "double" -> 1;
                case "currency", "percent" -> 0.75;
                case "string" -> 0.35;
                default -> 0.05;
            };
            case DECIMAL -> switch (type) {
                case "currency", "double" -> 1;
                case "percent" -> 0.7;
                case "int", "long" -> 0.35;
                case "string" -> 0.2;
                default -> 0.05;
            };
            case EMAIL -> type.equals("email") ? 1 : type.equals("string") ? 0.45 : type.equals("textarea") ? 0.2 : 0;
            case URL -> type.equals("url") ? 1 : type.equals("string") ? 0.45 : type.equals("textarea") ? 0.3 : 0;
            case PHONE -> type.equals("phone") ? 1 : type.equals("string") ? 0.45 : 0.05;
            case DATE -> type.equals("date") ? 1 : type.equals("datetime") ? 0.75 : type.equals("string") ? 0.25 : 0;
            case DATETIME -> type.equals("datetime") ? 1 : type.equals("date") ? 0.8 : type.equals("string") ? 0.25 : 0;
            case COUNTRY, STATE -> type.equals("string") ? 0.9 : type.equals("textarea") ? 0.3 : 0.05;
            case POSTAL_CODE -> switch (type) {
                case "string" -> 0.9;
                case "int", "double" -> 0.3;
                case "textarea" -> 0.3;
                default -> 0.05;
            };
            case ID -> switch (type) {
                case "string" -> target.externalId() ? 1 : 0.7;
                case "int", "double" -> 0.3;
                case "textarea" -> 0.2;
                default -> 0.05;
            };
            case TEXT -> switch (type) {
                case "string", "textarea", "combobox", "encryptedstring", "picklist", "multipicklist" -> 1;
                case "email", "phone", "url" -> 0.1;
                default -> 0;
            };
            case LONG_TEXT -> type.equals("textarea") ? 1 : type.equals("string") ? 0.5 : 0;
        };
    }
}
