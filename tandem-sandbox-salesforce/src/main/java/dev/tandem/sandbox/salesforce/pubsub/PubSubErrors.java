package dev.tandem.sandbox.salesforce.pubsub;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Pub/Sub API errors: a gRPC status whose description ends with {@code rpcId: <id>}, and the custom code in the
 * {@code error-code} trailer (spec Appendix A; https://developer.salesforce.com/docs/platform/pub-sub-api/guide/handling-errors.html,
 * "Handle Errors"). The rpc id is also sent as the {@code rpc-id} trailer.
 */
public final class PubSubErrors {

    public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code",
            Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> RPC_ID = Metadata.Key.of("rpc-id", Metadata.ASCII_STRING_MARSHALLER);

    public static final String AUTH_ERROR = "sfdc.platform.eventbus.grpc.service.auth.error";
    public static final String REPLAY_ID_CORRUPTED = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
    public static final String REPLAY_ID_VALIDATION_FAILED =
            "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed";
    // The codes below are not in the spec; the names follow the documented ones' pattern [inferred].
    public static final String TOPIC_MISMATCH = "sfdc.platform.eventbus.grpc.subscription.fetch.topic.mismatch";
    public static final String TOPIC_NOT_FOUND = "sfdc.platform.eventbus.grpc.topic.not.found";
    public static final String SCHEMA_NOT_FOUND = "sfdc.platform.eventbus.grpc.schema.not.found";
    public static final String PUBLISH_NOT_ALLOWED = "sfdc.platform.eventbus.grpc.publish.not.allowed";
    public static final String PUBLISH_TOO_MANY = "sfdc.platform.eventbus.grpc.publish.batch.size.exceeded";
    public static final String STREAM_DROPPED = "sfdc.platform.eventbus.grpc.service.unavailable";

    private PubSubErrors() {
    }

    public static StatusRuntimeException error(Status status, String message, String errorCode, String rpcId) {
        Metadata trailers = new Metadata();
        if (errorCode != null) {
            trailers.put(ERROR_CODE, errorCode);
        }
        trailers.put(RPC_ID, rpcId);
        return status.withDescription(message + " rpcId: " + rpcId).asRuntimeException(trailers);
    }
}
