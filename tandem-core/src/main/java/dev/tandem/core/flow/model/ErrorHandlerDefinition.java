package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * The flow's error handler: Camel's Dead Letter Channel with its redelivery policy names
 * (https://camel.apache.org/components/latest/eips/dead-letter-channel.html, "Redelivery"), per error code when
 * {@code onErrors} says so. Permanent errors (bad data) are dead-lettered at once; retryable ones are redelivered
 * with backoff until {@code maximumRedeliveries}, then dead-lettered.
 */
public record ErrorHandlerDefinition(
        @JsonPropertyDescription("Dead Letter Channel: redelivery, then the dead-letter queue") DeadLetterChannel deadLetterChannel) {

    public record DeadLetterChannel(
            @JsonPropertyDescription("The default redelivery policy") Redelivery redelivery,
            @JsonPropertyDescription("Redelivery policies for particular error codes, first match wins") List<OnError> onErrors) {

        public DeadLetterChannel {
            onErrors = onErrors == null ? List.of() : List.copyOf(onErrors);
        }
    }

    /**
     * @param codes      error codes, e.g. {@code UNABLE_TO_LOCK_ROW}
     * @param redelivery their policy
     */
    public record OnError(
            @JsonProperty(required = true) @JsonPropertyDescription("Error codes this policy applies to") List<String> codes,
            @JsonPropertyDescription("The policy") Redelivery redelivery) {

        public OnError {
            codes = codes == null ? List.of() : List.copyOf(codes);
        }
    }

    /**
     * Camel's RedeliveryPolicy options; durations as ISO-8601 ({@code PT1S}) or {@code 500ms}, {@code 1s}, {@code 10m}.
     */
    public record Redelivery(
            @JsonPropertyDescription("Redeliveries after the first attempt (0 = none)") Integer maximumRedeliveries,
            @JsonPropertyDescription("Delay before the first redelivery, e.g. 1s") String redeliveryDelay,
            @JsonPropertyDescription("Growth factor per redelivery (>= 1)") Double backOffMultiplier,
            @JsonPropertyDescription("Cap on one delay, e.g. 10m") String maximumRedeliveryDelay,
            @JsonPropertyDescription("Relative random spread of each delay in [0, 1)") Double jitter) {
    }
}
