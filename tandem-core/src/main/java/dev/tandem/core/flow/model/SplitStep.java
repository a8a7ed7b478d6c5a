package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Splitter (https://www.enterpriseintegrationpatterns.com/patterns/messaging/Sequencer.html; Camel's {@code split},
 * https://camel.apache.org/components/latest/eips/split-eip.html): the exchange's body, or the array a JSONata
 * {@code expression} gives (e.g. an order's {@code Lines}), becomes parts that the following steps process one by
 * one, up to the matching {@code aggregate} step at the same level (or to the end of the steps list when there is
 * none). Each part sees {@code $splitIndex} (0-based, Camel's {@code CamelSplitIndex}), {@code $splitSize} and
 * {@code $parent} (the body that was split).
 *
 * @param expression JSONata on the body giving the parts; default {@code $} (the body itself)
 * @param maxParts   more parts than this fail the exchange (SPLIT_TOO_LARGE) instead of fanning out without bound
 */
public record SplitStep(
        @JsonPropertyDescription("JSONata on the body giving the array to split, e.g. Lines; default the body itself") String expression,
        @JsonPropertyDescription("At most this many parts (default 10000); more fail the exchange with SPLIT_TOO_LARGE") Integer maxParts)
        implements StepDefinition {

    public static final int DEFAULT_MAX_PARTS = 10_000;

    @Override
    public String kind() {
        return "split";
    }

    public String expressionOrDefault() {
        return expression == null || expression.isBlank() ? "$" : expression;
    }

    public int maxPartsOrDefault() {
        return maxParts == null ? DEFAULT_MAX_PARTS : maxParts;
    }

    /**
     * The index of the {@code aggregate} step that closes the split at {@code index} of {@code steps} (splits nest:
     * an aggregate closes the nearest open split before it), or -1 when the split runs to the end of the list.
     */
    public static int matchingAggregate(List<StepDefinition> steps, int index) {
        int depth = 0;
        for (int j = index + 1; j < steps.size(); j++) {
            if (steps.get(j) instanceof SplitStep) {
                depth++;
            } else if (steps.get(j) instanceof AggregateStep) {
                if (depth == 0) {
                    return j;
                }
                depth--;
            }
        }
        return -1;
    }
}
