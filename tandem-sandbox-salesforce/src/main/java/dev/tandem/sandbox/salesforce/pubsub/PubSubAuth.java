package dev.tandem.sandbox.salesforce.pubsub;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Authenticates every Pub/Sub call by its metadata (spec §4.5, proto comment): {@code accesstoken} must be a
 * token the sandbox issued and has not revoked, {@code tenantid} the org id (15 or 18 characters) and
 * {@code instanceurl} the sandbox's instance URL. gRPC lowercases metadata keys, so clients sending
 * {@code accessToken} are read the same. A failure closes the call with UNAUTHENTICATED and the trailer
 * {@code error-code: sfdc.platform.eventbus.grpc.service.auth.error}.
 */
final class PubSubAuth implements ServerInterceptor {

    static final Metadata.Key<String> ACCESS_TOKEN = Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> INSTANCE_URL = Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> TENANT_ID = Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER);
    /** The session token of the current call, for re-checks during a long stream (revocation mid-stream). */
    static final Context.Key<String> TOKEN = Context.key("tandem-pubsub-token");

    private final Predicate<String> validToken;
    private final String orgId;
    private final Supplier<String> instanceUrl;

    PubSubAuth(Predicate<String> validToken, String orgId, Supplier<String> instanceUrl) {
        this.validToken = validToken;
        this.orgId = orgId;
        this.instanceUrl = instanceUrl;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        String token = headers.get(ACCESS_TOKEN);
        String problem = problem(token, headers.get(TENANT_ID), headers.get(INSTANCE_URL));
        if (problem != null) {
            String rpcId = UUID.randomUUID().toString();
            Metadata trailers = new Metadata();
            trailers.put(PubSubErrors.ERROR_CODE, PubSubErrors.AUTH_ERROR);
            trailers.put(PubSubErrors.RPC_ID, rpcId);
            call.close(Status.UNAUTHENTICATED.withDescription(problem + " rpcId: " + rpcId), trailers);
            return new ServerCall.Listener<>() { };
        }
        return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
    }

    boolean valid(String token) {
        return validToken.test(token);
    }

    private String problem(String token, String tenant, String instance) {
        if (token == null || !validToken.test(token)) {
            return "Authentication exception: the access token is missing, invalid or expired";
        }
        if (tenant == null || !(tenant.equals(orgId) || (tenant.length() == 15 && orgId.startsWith(tenant)))) {
            return "Authentication exception: tenantid does not match the org of the access token";
        }
        if (instance == null || !normalize(instance).equals(normalize(instanceUrl.get()))) {
            return "Authentication exception: instanceurl does not match the org's instance";
        }
        return null;
    }

    private static String normalize(String url) {
        String value = url.trim().toLowerCase(Locale.ROOT);
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
