package dev.tandem.salesforce.cdc;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.ProducerEvent;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaInfo;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal in-process Pub/Sub server for the connector's unit tests (the sandbox has the faithful one): one
 * topic's events with 8-byte replay ids, flow control by num_requested, auth by metadata, Salesforce's error
 * trailers for bad replay ids and tokens, and switches to drop streams and expire replay ids.
 */
final class FakePubSub extends PubSubGrpc.PubSubImplBase {

    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> TOKEN = Context.key("token");

    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    final List<byte[]> payloads = new CopyOnWriteArrayList<>();
    final List<ReplayPreset> presets = new CopyOnWriteArrayList<>();
    final List<String> tenants = new CopyOnWriteArrayList<>();
    final AtomicInteger schemaFetches = new AtomicInteger();
    final AtomicInteger maxPending = new AtomicInteger();
    final AtomicInteger unauthenticated = new AtomicInteger();
    private final List<Sub> subs = new CopyOnWriteArrayList<>();
    /** Events with an index below this are past retention: their replay ids are refused. */
    private volatile int expiredBelow;

    static byte[] replayId(int index) {
        return ByteBuffer.allocate(8).putLong(1000L + index).array();
    }

    ServerInterceptor auth() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                 ServerCallHandler<Q, R> next) {
                String token = headers.get(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER));
                String tenant = headers.get(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER));
                String instance = headers.get(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER));
                if (token == null || !validTokens.contains(token) || instance == null) {
                    unauthenticated.incrementAndGet();
                    Metadata trailers = new Metadata();
                    trailers.put(ERROR_CODE, "sfdc.platform.eventbus.grpc.service.auth.error");
                    call.close(Status.UNAUTHENTICATED.withDescription("bad token"), trailers);
                    return new ServerCall.Listener<>() { };
                }
                tenants.add(tenant);
                return Contexts.interceptCall(Context.current().withValue(TOKEN, token), call, headers, next);
            }
        };
    }

    synchronized void publish(byte[] payload) {
        payloads.add(payload);
        subs.forEach(Sub::deliver);
    }

    /** Drops every open stream as an unavailable server would. */
    void dropStreams() {
        for (Sub sub : subs) {
            sub.fail(Status.UNAVAILABLE.withDescription("dropped by the test"), new Metadata());
        }
    }

    /** Revokes a token: open streams on it end UNAUTHENTICATED, new calls with it are refused. */
    void revoke(String token) {
        validTokens.remove(token);
        for (Sub sub : subs) {
            if (token.equals(sub.token)) {
                Metadata trailers = new Metadata();
                trailers.put(ERROR_CODE, "sfdc.platform.eventbus.grpc.service.auth.error");
                sub.fail(Status.UNAUTHENTICATED.withDescription("revoked"), trailers);
            }
        }
    }

    /** Every event published so far is past retention. */
    void expireAll() {
        expiredBelow = payloads.size();
    }

    int openStreams() {
        return subs.size();
    }

    @Override
    public void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> response) {
        schemaFetches.incrementAndGet();
        response.onNext(SchemaInfo.newBuilder().setSchemaId(request.getSchemaId())
                .setSchemaJson(TestChangeEvents.ACCOUNT_SCHEMA_JSON).build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<FetchRequest> subscribe(StreamObserver<FetchResponse> response) {
        Sub sub = new Sub((ServerCallStreamObserver<FetchResponse>) response, TOKEN.get());
        return sub;
    }

    private final class Sub implements StreamObserver<FetchRequest> {
        final ServerCallStreamObserver<FetchResponse> out;
        final String token;
        int position = -1;
        int pending;
        boolean closed;

        Sub(ServerCallStreamObserver<FetchResponse> out, String token) {
            this.out = out;
            this.token = token;
        }

        @Override
        public void onNext(FetchRequest request) {
            synchronized (FakePubSub.this) {
                if (position < 0) {
                    presets.add(request.getReplayPreset());
                    switch (request.getReplayPreset()) {
                        case LATEST -> position = payloads.size();
                        case EARLIEST -> position = expiredBelow;
                        case CUSTOM -> {
                            if (request.getReplayId().isEmpty()) {
                                refuse("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed");
                                return;
                            }
                            long id = ByteBuffer.wrap(request.getReplayId().toByteArray()).getLong();
                            int index = (int) (id - 1000L);
                            if (index < expiredBelow || index >= payloads.size()) {
                                refuse("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
                                return;
                            }
                            position = index + 1;
                        }
                        default -> throw new IllegalStateException();
                    }
                    subs.add(this);
                }
                pending = Math.min(100, pending + request.getNumRequested());
                maxPending.accumulateAndGet(pending, Math::max);
                if (position >= payloads.size()) {
                    // keep-alive: nothing to deliver, here is the latest replay id
                    FetchResponse.Builder keepAlive = FetchResponse.newBuilder().setPendingNumRequested(pending);
                    if (!payloads.isEmpty()) {
                        keepAlive.setLatestReplayId(ByteString.copyFrom(replayId(payloads.size() - 1)));
                    }
                    out.onNext(keepAlive.build());
                }
                deliver();
            }
        }

        private void refuse(String code) {
            Metadata trailers = new Metadata();
            trailers.put(ERROR_CODE, code);
            closed = true;
            out.onError(Status.INVALID_ARGUMENT.withDescription("replay id refused").asRuntimeException(trailers));
        }

        void deliver() {
            synchronized (FakePubSub.this) {
                if (closed || position < 0) {
                    return;
                }
                List<ConsumerEvent> batch = new ArrayList<>();
                while (pending > 0 && position < payloads.size()) {
                    batch.add(ConsumerEvent.newBuilder().setReplayId(ByteString.copyFrom(replayId(position)))
                            .setEvent(ProducerEvent.newBuilder().setId("e" + position)
                                    .setSchemaId(TestChangeEvents.ACCOUNT_SCHEMA_ID)
                                    .setPayload(ByteString.copyFrom(payloads.get(position)))).build());
                    position++;
                    pending--;
                }
                if (!batch.isEmpty()) {
                    out.onNext(FetchResponse.newBuilder().addAllEvents(batch).setPendingNumRequested(pending)
                            .setLatestReplayId(batch.get(batch.size() - 1).getReplayId()).build());
                }
            }
        }

        void fail(Status status, Metadata trailers) {
            synchronized (FakePubSub.this) {
                if (closed) {
                    return;
                }
                closed = true;
                subs.remove(this);
                out.onError(status.asRuntimeException(trailers));
            }
        }

        @Override
        public void onError(Throwable t) {
            synchronized (FakePubSub.this) {
                closed = true;
                subs.remove(this);
            }
        }

        @Override
        public void onCompleted() {
            onError(null);
        }
    }
}
