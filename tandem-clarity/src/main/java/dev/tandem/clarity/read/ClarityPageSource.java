package dev.tandem.clarity.read;

import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.clarity.model.ClarityEntity;

/**
 * Reads one page of a CEF list ({@code GET /<M>/<E>s}, clarity-api.md §3). Implemented by
 * {@link dev.tandem.clarity.client.ClarityRestClient}; the delta poller depends on this interface only.
 */
@FunctionalInterface
public interface ClarityPageSource {

    /** @throws dev.tandem.core.error.IntegrationException when Clarity cannot answer */
    ClarityPage page(ClarityEntity entity, ListQuery query);
}
