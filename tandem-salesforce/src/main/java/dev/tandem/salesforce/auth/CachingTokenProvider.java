package dev.tandem.salesforce.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The token cache every flow shares: one token for all threads, obtained lazily, forgotten after a 401 (§1.7).
 * Salesforce token responses carry no lifetime (§1.5), so a token is kept until the API refuses it.
 *
 * <p>A {@link ReentrantLock} (not {@code synchronized}, which pins virtual threads on JDK 21) makes sure only one
 * request to the token endpoint is in flight at a time: threads that find no token wait for that one.
 */
public abstract class CachingTokenProvider implements AccessTokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(CachingTokenProvider.class);

    private final AtomicReference<AccessToken> current = new AtomicReference<>();
    private final ReentrantLock refreshLock = new ReentrantLock();

    /** Asks the token endpoint for a new token; called by one thread at a time. */
    protected abstract AccessToken requestToken();

    @Override
    public final AccessToken token() {
        AccessToken token = current.get();
        if (token != null) {
            return token;
        }
        refreshLock.lock();
        try {
            token = current.get();
            if (token == null) {
                token = requestToken();
                current.set(token);
            }
            return token;
        } finally {
            refreshLock.unlock();
        }
    }

    @Override
    public final void invalidate(AccessToken stale) {
        if (stale != null && current.compareAndSet(stale, null)) {
            LOG.info("Salesforce access token for {} invalidated; a new one will be requested", stale.instanceUrl());
        }
    }
}
