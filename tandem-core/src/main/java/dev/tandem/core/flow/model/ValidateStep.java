package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Validation rules in JSONata, each with a code and a message. A broken {@code error} rule dead-letters the
 * exchange with its code (never sent to the target); a broken {@code warning} rule is audited and the exchange
 * goes on.
 */
public record ValidateStep(@JsonProperty(required = true) @JsonPropertyDescription("The rules, checked in order") List<Rule> rules)
        implements StepDefinition {

    public ValidateStep {
        rules = rules == null ? List.of() : List.copyOf(rules);
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
