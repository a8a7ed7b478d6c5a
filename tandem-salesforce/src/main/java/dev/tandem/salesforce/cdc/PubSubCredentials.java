package dev.tandem.salesforce.cdc;

import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Per-call Pub/Sub authentication metadata, from the connector's OAuth token: "For Salesforce session token
 * authentication, use: accesstoken : access token / instanceurl : Salesforce instance URL / tenantid : tenant/org id
 * of the client" (pubsub_api.proto; "Pub/Sub API: Supported Authentication",
 * https://developer.salesforce.com/docs/platform/pub-sub-api/guide/supported-auth.html). Each new call (a
 * resubscribe after UNAUTHENTICATED) reads the provider again, so a refreshed token is used.
 */
public final class PubSubCredentials extends CallCredentials {

    static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_URL = Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);

    private final AccessTokenProvider tokens;
    private final Function<AccessToken, OrgIdentity> identity;
    private final AtomicReference<AccessToken> last = new AtomicReference<>();
    private final AtomicReference<OrgIdentity> org = new AtomicReference<>();

    public PubSubCredentials(AccessTokenProvider tokens, Function<AccessToken, OrgIdentity> identity) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    @Override
    public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
        executor.execute(() -> {
            try {
                AccessToken token = tokens.token();
                last.set(token);
                Metadata headers = new Metadata();
                headers.put(ACCESS_TOKEN, token.value());
                headers.put(INSTANCE_URL, token.instanceUrl().toString());
                headers.put(TENANT_ID, identity(token).orgId());
                applier.apply(headers);
            } catch (RuntimeException e) {
                applier.fail(Status.UNAUTHENTICATED.withDescription("No Salesforce access token: " + e.getMessage())
                        .withCause(e));
            }
        });
    }

    /** The org and user of the current token (resolved once). */
    public OrgIdentity identity(AccessToken token) {
        OrgIdentity known = org.get();
        if (known == null) {
            known = identity.apply(token);
            org.set(known);
        }
        return known;
    }

    /** The org and user, obtaining a token first when none was used yet. */
    public OrgIdentity identity() {
        return identity(tokens.token());
    }

    /** After UNAUTHENTICATED: forget the token the failed call used, so the next call gets a new one. */
    public void invalidate() {
        AccessToken stale = last.get();
        if (stale != null) {
            tokens.invalidate(stale);
        }
    }
}
