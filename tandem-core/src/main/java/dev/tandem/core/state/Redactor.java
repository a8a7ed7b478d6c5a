package dev.tandem.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks sensitive fields before they are stored in the audit trail (architecture invariant 6, issue 9 item 4:
 * "secrets and configured sensitive fields (e.g. tokens, passwords, card data keys) redacted before storage"). A
 * field is sensitive when its name contains one of the configured words, case-insensitively; its value becomes
 * {@value #MASK}. Names, not values, decide: a value is never inspected, so nothing about it is kept.
 */
public final class Redactor {

    public static final String MASK = "***";
    /** Names of fields that hold secrets or card data in Clarity and Salesforce records and in HTTP payloads. */
    public static final List<String> DEFAULT_WORDS = List.of("password", "passwd", "secret", "token", "apikey",
            "api_key", "authorization", "cardnumber", "card_number", "creditcard", "cvv", "cvc", "securitycode",
            "ssn", "socialsecurity", "iban", "accountnumber", "routingnumber");

    private final Pattern pattern;

    public Redactor(List<String> words) {
        List<String> w = words.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
        this.pattern = w.isEmpty() ? null
                : Pattern.compile(String.join("|", w.stream().map(Pattern::quote).toList()), Pattern.CASE_INSENSITIVE);
    }

    public static Redactor defaults() {
        return new Redactor(DEFAULT_WORDS);
    }

    public boolean sensitive(String fieldName) {
        return pattern != null && pattern.matcher(fieldName.indexOf('-') < 0 && fieldName.indexOf(' ') < 0 ? fieldName
                : fieldName.replace("-", "").replace(" ", "")).find();
    }

    /**
     * {@code node} with every sensitive field (at any depth) masked: a copy when it has one, else {@code node} itself
     * (the usual case, which costs a walk over the names and no copy).
     */
    public JsonNode redact(JsonNode node) {
        if (node == null || pattern == null || !hasSensitive(node)) {
            return node;
        }
        JsonNode copy = node.deepCopy();
        mask(copy);
        return copy;
    }

    private boolean hasSensitive(JsonNode n) {
        if (n instanceof ObjectNode o) {
            for (var f : o.properties()) {
                if (sensitive(f.getKey()) || hasSensitive(f.getValue())) {
                    return true;
                }
            }
        } else if (n instanceof ArrayNode a) {
            for (JsonNode e : a) {
                if (hasSensitive(e)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void mask(JsonNode n) {
        if (n instanceof ObjectNode o) {
            List<String> names = new java.util.ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (sensitive(name) && !o.get(name).isNull()) {
                    o.put(name, MASK);
                } else {
                    mask(o.get(name));
                }
            }
        } else if (n instanceof ArrayNode a) {
            a.forEach(this::mask);
        }
    }
}
