package dev.tandem.salesforce.auth;

/**
 * Supplies the access token for data-API calls. One implementation per OAuth flow (client credentials today; the
 * JWT bearer and refresh-token flows of salesforce-api.md §1.3-1.4 plug in here). Implementations are thread-safe
 * and share one token across threads.
 */
public interface AccessTokenProvider {

    /**
     * The current token, obtaining one first when none is cached.
     *
     * @throws dev.tandem.core.error.IntegrationException when the token endpoint refuses (permanent, with the OAuth
     *                                                    {@code error} as code) or cannot be reached (retryable)
     */
    AccessToken token();

    /**
     * Forgets {@code stale} after Salesforce answered 401 {@code INVALID_SESSION_ID} (§1.7), so the next
     * {@link #token()} obtains a new one. Does nothing when the cached token is already another one: when several
     * threads hit the 401 with the same token, only one new token is requested.
     */
    void invalidate(AccessToken stale);
}
