package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Validation rules in JSONata, each with a code and a message. A broken {@code error} rule dead-letters the
 * exchange with its code (never sent to the target); a broken {@code warning} rule is audited and the exchange
 * goes on.
 */
public record ValidateStep(@JsonPropertyDescription("The rules, checked in order") List<Rule> rules,
                           @JsonPropertyDescription("The profile rule: flags values unlike those of the records this flow synced successfully (docs/profiles.md)") Profile profile)
        implements StepDefinition {

    public ValidateStep {
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    public ValidateStep(List<Rule> rules) {
        this(rules, null);
    }

    /** What a profile violation does: audit and send, dead-letter for review, or skip without sending. */
    public enum Action { warn, hold, block }

    /**
     * The profile rule (docs/profiles.md).
     *
     * @param action          the default action of a field: {@code warn} (default), {@code hold} or {@code block}
     * @param minObservations values a field must have learned before it is checked (default 50)
     * @param fields          field path → action ({@code Totals.Total}, {@code Lines[].Quantity}); without it every
     *                        leaf field of the record, with the default action
     */
    public record Profile(
            @JsonPropertyDescription("The default action: warn (audit and send), hold (dead letter PROFILE_VIOLATION) or block (skip, never sent)") Action action,
            @JsonPropertyDescription("Values a field must have learned before it is checked (default 50)") Integer minObservations,
            @JsonPropertyDescription("Field path (keys joined by dots, [] for each element of an array) → action; without it every leaf field, with the default action") java.util.Map<String, Action> fields) {

        public static final int DEFAULT_MIN_OBSERVATIONS = 50;

        public Profile {
            action = action == null ? Action.warn : action;
            minObservations = minObservations == null ? DEFAULT_MIN_OBSERVATIONS : minObservations;
            fields = fields == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fields));
        }
    }

    @Override
    public String kind() {
        return "validate";
    }

    public enum Severity { error, warning }

    /**
     * @param rule     JSONata that must be true (on the body, or on each element of {@code each})
     * @param code     the dead letter's error code, e.g. {@code BUSINESS_RULE_VIOLATION}
     * @param message  what is wrong and how to fix it; {@code {{expr}}} parts are JSONata on the same input
     * @param each     JSONata selecting an array: the rule is checked on every element ({@code $index} is 1-based)
     * @param severity {@code error} (default) or {@code warning}
     */
    public record Rule(
            @JsonProperty(required = true) @JsonPropertyDescription("JSONata that must be true") String rule,
            @JsonProperty(required = true) @JsonPropertyDescription("Error code, e.g. BUSINESS_RULE_VIOLATION") String code,
            @JsonProperty(required = true) @JsonPropertyDescription("Message; {{expr}} parts are JSONata on the same input") String message,
            @JsonPropertyDescription("JSONata selecting an array; the rule is checked on each element") String each,
            @JsonPropertyDescription("error (dead-letter) or warning (audit and go on)") Severity severity) {

        public Rule {
            severity = severity == null ? Severity.error : severity;
        }
    }
}
