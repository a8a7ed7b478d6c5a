package dev.tandem.sandbox.salesforce.pubsub;

import com.google.protobuf.ByteString;
import dev.tandem.sandbox.salesforce.pubsub.proto.Error;
import dev.tandem.sandbox.salesforce.pubsub.proto.ErrorCode;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.ProducerEvent;
import dev.tandem.sandbox.salesforce.pubsub.proto.PubSubGrpc;
import dev.tandem.sandbox.salesforce.pubsub.proto.PublishRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.PublishResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.PublishResult;
import dev.tandem.sandbox.salesforce.pubsub.proto.SchemaInfo;
import dev.tandem.sandbox.salesforce.pubsub.proto.SchemaRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicInfo;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicRequest;
import dev.tandem.sandbox.salesforce.cdc.ChangeCapture;
import dev.tandem.sandbox.salesforce.cdc.ChangeEventLayout;
import dev.tandem.sandbox.salesforce.cdc.EventBus;
import dev.tandem.sandbox.salesforce.cdc.PlatformEventType;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox org's Pub/Sub API endpoint: a grpc-java server for {@code eventbus.v1.PubSub} on 127.0.0.1
 * (spec §4.5, Appendix A; https://developer.salesforce.com/docs/platform/pub-sub-api/references/methods/subscribe-rpc.html,
 * "Pub/Sub API RPC Methods"). TLS like {@code api.pubsub.salesforce.com:7443}, with a self-signed certificate
 * generated at start ({@link #certificatePath()}), or plaintext for tests. Every call is authenticated by
 * {@link PubSubAuth}. ManagedSubscribe is not implemented (UNIMPLEMENTED; it is beta upstream).
 */
public final class PubSubServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubServer.class);
    /** "The number of events in a publish request can't exceed 200" (spec §4.5 Publish limits). */
    public static final int MAX_PUBLISH_EVENTS = 200;

    private final int requestedPort;
    private final boolean plaintext;
    private final Duration keepAlive;
    private final PubSubAuth auth;
    private final EventBus bus;
    private final ChangeCapture capture;
    private final List<PlatformEventType> platformEvents;
    private final String orgId;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile boolean paused;
    private Server server;
    private SelfSignedCertificate certificate;

    public PubSubServer(int port, boolean plaintext, Duration keepAlive, PubSubAuthority authority, EventBus bus,
            ChangeCapture capture, List<PlatformEventType> platformEvents) {
        this.requestedPort = port;
        this.plaintext = plaintext;
        this.keepAlive = keepAlive;
        this.auth = new PubSubAuth(authority.validToken(), authority.orgId(), authority.instanceUrl());
        this.orgId = authority.orgId();
        this.bus = bus;
        this.capture = capture;
        this.platformEvents = List.copyOf(platformEvents);
    }

    /** What the server checks a call's metadata against. */
    public record PubSubAuthority(java.util.function.Predicate<String> validToken, String orgId,
            java.util.function.Supplier<String> instanceUrl) {
    }

    public synchronized PubSubServer start() {
        ServerCredentials credentials;
        if (plaintext) {
            credentials = InsecureServerCredentials.create();
        } else {
            certificate = SelfSignedCertificate.generate();
            try {
                credentials = TlsServerCredentials.create(certificate.certificate().toFile(),
                        certificate.privateKey().toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", requestedPort), credentials)
                    .addService(ServerInterceptors.intercept(new Service(), auth))
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Pub/Sub server on port " + requestedPort, e);
        }
        LOG.info("Salesforce sandbox Pub/Sub API listening on 127.0.0.1:{} ({})", port(),
                plaintext ? "plaintext" : "TLS, certificate " + certificate.certificate());
        return this;
    }

    public int port() {
        return server.getPort();
    }

    /** {@code 127.0.0.1:<port>}, the form of {@code api.pubsub.salesforce.com:7443}. */
    public String endpoint() {
        return "127.0.0.1:" + port();
    }

    public boolean plaintext() {
        return plaintext;
    }

    /** The PEM file of the self-signed server certificate; empty in plaintext mode. */
    public Optional<Path> certificatePath() {
        return certificate == null ? Optional.empty() : Optional.of(certificate.certificate());
    }

    public Duration keepAlive() {
        return keepAlive;
    }

    /** Holds back all deliveries (streams stay open, requests are counted) until resumed. */
    public void setPaused(boolean value) {
        paused = value;
        if (!value) {
            subscriptions.forEach(Subscription::signal);
        }
    }

    public boolean paused() {
        return paused;
    }

    /** Ends the streams subscribed to {@code topic} (all streams when null) with UNAVAILABLE; returns how many. */
    public int dropStreams(String topic) {
        int count = 0;
        for (Subscription subscription : subscriptions) {
            if (topic == null || topic.equals(subscription.topic())) {
                subscription.drop();
                count++;
            }
        }
        return count;
    }

    /** One open Subscribe stream, for the control API. */
    public record SubscriberInfo(String id, String topic, int pendingNumRequested, long delivered) {
    }

    public List<SubscriberInfo> subscribers() {
        return subscriptions.stream().map(s -> new SubscriberInfo(s.id(), s.topic(), s.pending(), s.delivered()))
                .toList();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            subscriptions.forEach(s -> s.fail(Status.UNAVAILABLE.withDescription("server shutting down")
                    .asRuntimeException()));
            server.shutdown();
            try {
                if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    EventBus bus() {
        return bus;
    }

    PubSubAuth auth() {
        return auth;
    }

    void register(Subscription subscription) {
        subscriptions.add(subscription);
    }

    void unregister(Subscription subscription) {
        subscriptions.remove(subscription);
    }

    boolean subscribable(String topic) {
        return topic.equals(EventBus.ALL_CHANGE_EVENTS) || capture.layoutForTopic(topic).isPresent()
                || platformEvent(topic).isPresent();
    }

    private Optional<PlatformEventType> platformEvent(String topic) {
        return platformEvents.stream().filter(p -> p.topic().equals(topic)).findFirst();
    }

    private final class Service extends PubSubGrpc.PubSubImplBase {

        @Override
        public void getTopic(TopicRequest request, StreamObserver<TopicInfo> response) {
            String rpcId = UUID.randomUUID().toString();
            String topic = request.getTopicName();
            TopicInfo.Builder info = TopicInfo.newBuilder().setTopicName(topic).setTenantGuid(orgId)
                    .setCanSubscribe(true).setRpcId(rpcId);
            Optional<PlatformEventType> event = platformEvent(topic);
            Optional<ChangeEventLayout> layout = capture.layoutForTopic(topic);
            if (event.isPresent()) {
                info.setCanPublish(true).setSchemaId(event.get().schemaId());
            } else if (layout.isPresent()) {
                info.setCanPublish(false).setSchemaId(layout.get().schemaId());
            } else if (topic.equals(EventBus.ALL_CHANGE_EVENTS)) {
                // Events of several objects, each with its own schema_id [inferred: no single schema].
                info.setCanPublish(false);
            } else {
                response.onError(PubSubErrors.error(Status.NOT_FOUND, "Topic not found or not accessible: "
                        + topic, PubSubErrors.TOPIC_NOT_FOUND, rpcId));
                return;
            }
            response.onNext(info.build());
            response.onCompleted();
        }

        @Override
        public void getSchema(SchemaRequest request, StreamObserver<SchemaInfo> response) {
            String rpcId = UUID.randomUUID().toString();
            String id = request.getSchemaId();
            Optional<String> json = capture.layoutForSchemaId(id).map(ChangeEventLayout::schemaJson)
                    .or(() -> platformEvents.stream().filter(p -> p.schemaId().equals(id)).findFirst()
                            .map(PlatformEventType::schemaJson));
            if (json.isEmpty()) {
                response.onError(PubSubErrors.error(Status.NOT_FOUND, "Schema not found: " + id,
                        PubSubErrors.SCHEMA_NOT_FOUND, rpcId));
                return;
            }
            response.onNext(SchemaInfo.newBuilder().setSchemaId(id).setSchemaJson(json.get()).setRpcId(rpcId)
                    .build());
            response.onCompleted();
        }

        @Override
        public StreamObserver<FetchRequest> subscribe(StreamObserver<FetchResponse> response) {
            return new Subscription(PubSubServer.this, response, PubSubAuth.TOKEN.get());
        }

        @Override
        public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
            try {
                response.onNext(publishOne(request));
                response.onCompleted();
            } catch (StatusRuntimeException e) {
                response.onError(e);
            }
        }

        @Override
        public StreamObserver<PublishRequest> publishStream(StreamObserver<PublishResponse> response) {
            String token = PubSubAuth.TOKEN.get();
            return new StreamObserver<>() {
                private boolean done;

                @Override
                public synchronized void onNext(PublishRequest request) {
                    if (done) {
                        return;
                    }
                    try {
                        String current = request.getAuthRefresh().isEmpty() ? token : request.getAuthRefresh();
                        if (!auth.valid(current)) {
                            throw PubSubErrors.error(Status.UNAUTHENTICATED, "Authentication exception: the"
                                    + " session expired or was revoked", PubSubErrors.AUTH_ERROR,
                                    UUID.randomUUID().toString());
                        }
                        response.onNext(publishOne(request));
                    } catch (StatusRuntimeException e) {
                        done = true;
                        response.onError(e);
                    }
                }

                @Override
                public synchronized void onError(Throwable t) {
                    done = true;
                }

                @Override
                public synchronized void onCompleted() {
                    if (!done) {
                        done = true;
                        response.onCompleted();
                    }
                }
            };
        }

        private PublishResponse publishOne(PublishRequest request) {
            String rpcId = UUID.randomUUID().toString();
            String topic = request.getTopicName();
            Optional<PlatformEventType> type = platformEvent(topic);
            if (type.isEmpty()) {
                if (subscribable(topic)) {
                    throw PubSubErrors.error(Status.PERMISSION_DENIED, "Publishing is not allowed on " + topic,
                            PubSubErrors.PUBLISH_NOT_ALLOWED, rpcId);
                }
                throw PubSubErrors.error(Status.NOT_FOUND, "Topic not found or not accessible: " + topic,
                        PubSubErrors.TOPIC_NOT_FOUND, rpcId);
            }
            if (request.getEventsCount() > MAX_PUBLISH_EVENTS) {
                throw PubSubErrors.error(Status.INVALID_ARGUMENT, "A publish request can contain at most "
                        + MAX_PUBLISH_EVENTS + " events, got " + request.getEventsCount(),
                        PubSubErrors.PUBLISH_TOO_MANY, rpcId);
            }
            PublishResponse.Builder reply = PublishResponse.newBuilder().setSchemaId(type.get().schemaId())
                    .setRpcId(rpcId);
            for (ProducerEvent event : request.getEventsList()) {
                PublishResult.Builder result = PublishResult.newBuilder().setCorrelationKey(event.getId());
                if (!event.getSchemaId().equals(type.get().schemaId())) {
                    result.setError(Error.newBuilder().setCode(ErrorCode.PUBLISH).setMsg("The schema_id "
                            + event.getSchemaId() + " is not the schema of " + topic));
                } else if (event.getPayload().isEmpty()) {
                    result.setError(Error.newBuilder().setCode(ErrorCode.PUBLISH).setMsg("The event has no payload"));
                } else {
                    // "Pub/Sub API doesn't validate the Avro format of the event payload" (spec §4.5).
                    String eventId = event.getId().isEmpty() ? UUID.randomUUID().toString() : event.getId();
                    EventBus.StoredEvent stored = bus.append(topic, type.get().name(), false, eventId,
                            event.getSchemaId(), event.getPayload().toByteArray(), null);
                    result.setReplayId(ByteString.copyFrom(stored.replayId()));
                }
                reply.addResults(result);
            }
            return reply.build();
        }
    }
}
