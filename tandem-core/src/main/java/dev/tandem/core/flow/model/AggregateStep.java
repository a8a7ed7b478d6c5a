package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Aggregator (https://www.enterpriseintegrationpatterns.com/patterns/messaging/Aggregator.html) closing the nearest
 * open {@code split} before it: the parts of one exchange are combined again by a JSONata
 * {@code aggregationStrategy} (Camel's option name, https://camel.apache.org/components/latest/eips/split-eip.html,
 * "Split and aggregate"). Correlation is implicit: the parts of one exchange, in their original order; the split is
 * complete when every part has reached this step or settled.
 *
 * @param aggregationStrategy JSONata whose input is the array of the parts' bodies (parts that were skipped are
 *                            left out), with {@code $parent} (the body that was split), {@code $plans} (the parts'
 *                            write plans, when they were transformed) and {@code $event}; default {@code $} (the
 *                            array of bodies, Camel's GroupedBodyAggregationStrategy)
 * @param into                what the result becomes: the exchange's {@code body} (default) or its write {@code plan}
 */
public record AggregateStep(
        @JsonPropertyDescription("JSONata on the array of the parts' bodies ($parent, $plans, $event bound); default $ (the array)") String aggregationStrategy,
        @JsonPropertyDescription("What the result becomes: body (default) or plan (a write plan, as transform returns)") Into into)
        implements StepDefinition {

    public enum Into { body, plan }

    @Override
    public String kind() {
        return "aggregate";
    }

    public String strategyOrDefault() {
        return aggregationStrategy == null || aggregationStrategy.isBlank() ? "$" : aggregationStrategy;
    }

    public Into intoOrDefault() {
        return into == null ? Into.body : into;
    }
}
