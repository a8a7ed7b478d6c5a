package dev.tandem.core.connector;

import dev.tandem.core.error.ApiError;
import dev.tandem.core.write.WriteGroup;

import java.util.List;

/**
 * A named content enricher (Camel's Content Enricher): fills in the placeholders of a batch of write plans that
 * need another system's data, e.g. the Salesforce price-book entry of each product an order line names. Batch in,
 * so one query and a cache serve a whole batch.
 */
public interface Enricher {

    /** One result per group, in order. */
    List<Result> enrich(List<WriteGroup> groups);

    /** The enriched group, or why it could not be enriched. */
    sealed interface Result {
        record Enriched(WriteGroup group) implements Result {
        }

        record Failed(ApiError error) implements Result {
        }
    }
}
