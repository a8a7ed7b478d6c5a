package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Content-Based Router: each exchange takes the steps of the first branch whose {@code when} is true, else the
 * {@code otherwise} steps; then the flow goes on after the choice.
 */
public record ChoiceStep(
        @JsonProperty(required = true) @JsonPropertyDescription("Branches, tried in order") List<When> when,
        @JsonPropertyDescription("Steps for exchanges no branch took") List<StepDefinition> otherwise)
        implements StepDefinition {

    public ChoiceStep {
        when = when == null ? List.of() : List.copyOf(when);
        otherwise = otherwise == null ? List.of() : List.copyOf(otherwise);
    }

    @Override
    public String kind() {
        return "choice";
    }

    /**
     * @param condition JSONata on the body (and {@code $event})
     * @param steps     the branch's steps
     */
    public record When(
            @JsonProperty(required = true) @JsonPropertyDescription("JSONata on the body (and $event)") String condition,
            @JsonProperty(required = true) @JsonPropertyDescription("The branch's steps") List<StepDefinition> steps) {

        public When {
            steps = steps == null ? List.of() : List.copyOf(steps);
        }
    }
}
