package dev.tandem.sandbox.clarity.webhook;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A webhook subscription. The secret is never written back to clients: whoever created the subscription chose it.
 * {@code EventTypes} entries are exact types, {@code *}, or a prefix wildcard such as {@code SalesOrder.*}.
 */
public record Subscription(int id, URI url, @JsonIgnore String secret, List<String> eventTypes, boolean active,
        Instant createdDate) {

    public boolean wants(String eventType) {
        return eventTypes.stream().anyMatch(t -> t.equals("*") || t.equalsIgnoreCase(eventType)
                || (t.endsWith(".*") && eventType.regionMatches(true, 0, t, 0, t.length() - 1)));
    }
}
