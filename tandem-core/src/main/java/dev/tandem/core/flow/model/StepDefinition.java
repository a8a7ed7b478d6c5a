package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One step of a flow file, written as a single-key map whose key is the step's kind ({@code - fetch: {...}}), as in
 * Camel's YAML DSL. The kinds are the enterprise integration patterns' names (Hohpe and Woolf, "Enterprise
 * Integration Patterns", https://www.enterpriseintegrationpatterns.com/patterns/messaging/toc.html). The JSON
 * Schema of flow files is generated from these records ({@link dev.tandem.core.flow.FlowSchema}), so the loader,
 * the docs and the designer read the same model.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.WRAPPER_OBJECT)
@JsonSubTypes({
        @JsonSubTypes.Type(value = IdempotentConsumerStep.class, name = "idempotentConsumer"),
        @JsonSubTypes.Type(value = FetchStep.class, name = "fetch"),
        @JsonSubTypes.Type(value = FilterStep.class, name = "filter"),
        @JsonSubTypes.Type(value = ValidateStep.class, name = "validate"),
        @JsonSubTypes.Type(value = ChoiceStep.class, name = "choice"),
        @JsonSubTypes.Type(value = TransformStep.class, name = "transform"),
        @JsonSubTypes.Type(value = EnrichStep.class, name = "enrich"),
        @JsonSubTypes.Type(value = SplitStep.class, name = "split"),
        @JsonSubTypes.Type(value = AggregateStep.class, name = "aggregate"),
        @JsonSubTypes.Type(value = ToStep.class, name = "to")
})
public sealed interface StepDefinition
        permits IdempotentConsumerStep, FetchStep, FilterStep, ValidateStep, ChoiceStep, TransformStep, EnrichStep,
        SplitStep, AggregateStep, ToStep {

    /** The step's kind as written in the flow file, e.g. {@code fetch}. */
    String kind();
}
