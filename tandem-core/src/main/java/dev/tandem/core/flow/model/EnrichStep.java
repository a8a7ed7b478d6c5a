package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.Map;

/**
 * Content Enricher (https://www.enterpriseintegrationpatterns.com/patterns/messaging/DataEnricher.html), from one of
 * two sources, exactly one of which is given:
 * <ul>
 *   <li>{@code using}: a named enricher of a connector, e.g. {@code salesforce.pricebookEntries}, which fills the
 *       write plan's {@code {"enrich": ...}} placeholders;</li>
 *   <li>{@code http}: an external HTTP API (e.g. tax calculation) called per exchange with a request built by
 *       JSONata; the JSON response is merged into the body by {@code aggregationStrategy} (Camel's {@code enrich}
 *       names its merge the same way, https://camel.apache.org/components/latest/eips/enrich-eip.html).</li>
 * </ul>
 */
public record EnrichStep(
        @JsonPropertyDescription("A named enricher, e.g. salesforce.pricebookEntries (or give http)") String using,
        @JsonPropertyDescription("An HTTP API to call per exchange (or give using)") Http http,
        @JsonPropertyDescription("With http: JSONata on the body, with $response (the parsed JSON reply) and $status, giving the new body") String aggregationStrategy)
        implements StepDefinition {

    /** A named enricher only (the form the shipped flows use). */
    public EnrichStep(String using) {
        this(using, null, null);
    }

    @Override
    public String kind() {
        return "enrich";
    }

    public enum Method { GET, POST, PUT, PATCH }

    /**
     * The request. {@code url} and header values may hold {@code {{expr}}} parts (JSONata on the body; in the URL
     * the value is percent-encoded) and {@code ${env:NAME}} references, resolved from the environment when the flow
     * loads so that no secret is written in a flow file.
     */
    public record Http(
            @JsonPropertyDescription("GET (default), POST, PUT or PATCH") Method method,
            @com.fasterxml.jackson.annotation.JsonProperty(required = true)
            @JsonPropertyDescription("URL template: http(s)://..., {{expr}} parts are JSONata on the body (percent-encoded), ${env:NAME} from the environment") String url,
            @JsonPropertyDescription("Header name -> value template ({{expr}} and ${env:NAME} as in url)") Map<String, String> headers,
            @JsonPropertyDescription("JSONata on the body giving the JSON request body") String body,
            @JsonPropertyDescription("Time allowed for the whole call, e.g. 5s (default 5s, at most 5m)") String timeout,
            @JsonPropertyDescription("A longer response fails with HTTP_ENRICH_RESPONSE_TOO_LARGE (default 1048576)") Integer maxResponseBytes,
            @JsonPropertyDescription("Cache of successful responses") Cache cache) {

        public Http {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Method methodOrDefault() {
            return method == null ? Method.GET : method;
        }
    }

    /**
     * @param key        JSONata on the body: exchanges with equal keys share one response (undefined: not cached)
     * @param ttl        how long a response is kept, e.g. 10m (default 10m)
     * @param maxEntries at most this many responses are kept (default 10000)
     */
    public record Cache(
            @com.fasterxml.jackson.annotation.JsonProperty(required = true)
            @JsonPropertyDescription("JSONata on the body giving the cache key; equal keys share a response") String key,
            @JsonPropertyDescription("How long a response is kept, e.g. 10m (default 10m)") String ttl,
            @JsonPropertyDescription("At most this many responses are kept (default 10000)") Integer maxEntries) {
    }
}
