package dev.tandem.sandbox.salesforce.dml;

import java.util.List;

/**
 * The result of an upsert by external id (spec §2.4).
 *
 * @param matches the ids of every matching record when there were several (HTTP 300); empty otherwise
 */
public record UpsertOutcome(String id, boolean created, List<String> matches) {

    public UpsertOutcome {
        matches = List.copyOf(matches);
    }

    public boolean ambiguous() {
        return matches.size() > 1;
    }
}
