package dev.tandem.sandbox.salesforce;

import static org.awaitility.Awaitility.await;

import dev.tandem.sandbox.salesforce.pubsub.proto.FetchRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.PubSubGrpc;
import dev.tandem.sandbox.salesforce.pubsub.proto.ReplayPreset;
import dev.tandem.sandbox.salesforce.cdc.ChangeEventLayout;
import dev.tandem.sandbox.salesforce.cdc.EventBus;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.AfterEach;

/**
 * A sandbox with a plaintext Pub/Sub server and a grpc-java client written here from the proto (no connector
 * code): metadata auth, a recording Subscribe stream, Avro decoding of payloads.
 */
abstract class PubSubTestSupport extends SandboxTestSupport {

    protected static final String CLIENT_ID = "tandem-test";
    protected final List<ManagedChannel> channels = new ArrayList<>();
    protected String token;

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.pubSubPort(0).pubSubPlaintext(true).pubSubKeepAlive(Duration.ofMillis(300));
    }

    @AfterEach
    void closeChannels() {
        channels.forEach(ManagedChannel::shutdownNow);
    }

    protected String token() {
        if (token == null) {
            token = client.login();
        }
        return token;
    }

    protected ManagedChannel channel() {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", sandbox.pubSubPort()).usePlaintext()
                .build();
        channels.add(channel);
        return channel;
    }

    protected Metadata auth(String accessToken) {
        Metadata metadata = new Metadata();
        // Mixed case as in Salesforce's Java example: gRPC lowercases metadata keys on the wire.
        metadata.put(Metadata.Key.of("accessToken", Metadata.ASCII_STRING_MARSHALLER), accessToken);
        metadata.put(Metadata.Key.of("instanceUrl", Metadata.ASCII_STRING_MARSHALLER), sandbox.baseUrl());
        metadata.put(Metadata.Key.of("tenantId", Metadata.ASCII_STRING_MARSHALLER), sandbox.orgId());
        return metadata;
    }

    protected PubSubGrpc.PubSubBlockingStub blocking() {
        return PubSubGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth(token())));
    }

    protected PubSubGrpc.PubSubStub async() {
        return PubSubGrpc.newStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth(token())));
    }

    /** A recording Subscribe stream. */
    protected final class Stream implements StreamObserver<FetchResponse> {
        final List<FetchResponse> responses = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile boolean completed;
        StreamObserver<FetchRequest> requests;

        @Override
        public void onNext(FetchResponse value) {
            responses.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        void request(int n) {
            requests.onNext(FetchRequest.newBuilder().setNumRequested(n).build());
        }

        List<dev.tandem.sandbox.salesforce.pubsub.proto.ConsumerEvent> events() {
            return responses.stream().flatMap(r -> r.getEventsList().stream()).toList();
        }

        List<dev.tandem.sandbox.salesforce.pubsub.proto.ConsumerEvent> awaitEvents(int count) {
            await().atMost(Duration.ofSeconds(20)).until(() -> events().size() >= count || error.get() != null);
            if (error.get() != null && events().size() < count) {
                throw new AssertionError("stream failed", error.get());
            }
            return events();
        }

        StatusRuntimeException awaitError() {
            await().atMost(Duration.ofSeconds(20)).until(() -> error.get() != null);
            return (StatusRuntimeException) error.get();
        }
    }

    protected Stream subscribe(String topic, ReplayPreset preset, byte[] replayId, int numRequested) {
        Stream stream = new Stream();
        stream.requests = async().subscribe(stream);
        FetchRequest.Builder first = FetchRequest.newBuilder().setTopicName(topic).setReplayPreset(preset)
                .setNumRequested(numRequested);
        if (replayId != null) {
            first.setReplayId(com.google.protobuf.ByteString.copyFrom(replayId));
        }
        stream.requests.onNext(first.build());
        return stream;
    }

    /** Subscribes LATEST and waits until the server has registered the stream (so later writes are seen). */
    protected Stream subscribeLatest(String topic, int numRequested) {
        int before = sandbox.pubSub().orElseThrow().subscribers().size();
        Stream stream = subscribe(topic, ReplayPreset.LATEST, null, numRequested);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.pubSub().orElseThrow().subscribers().size() > before
                || stream.error.get() != null);
        return stream;
    }

    protected static String errorCode(StatusRuntimeException e) {
        return e.getTrailers() == null ? null
                : e.getTrailers().get(Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER));
    }

    protected static Status.Code code(Throwable e) {
        return Status.fromThrowable(e).getCode();
    }

    protected Schema schemaOf(String entity) {
        return sandbox.changeCapture().layout(entity).map(ChangeEventLayout::schema).orElseThrow();
    }

    protected static GenericRecord decode(Schema schema, byte[] payload) {
        try {
            return new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().directBinaryDecoder(new java.io.ByteArrayInputStream(payload), null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The retained change events of an object, decoded, oldest first. */
    protected List<GenericRecord> changeEvents(String entity) {
        Schema schema = schemaOf(entity);
        return sandbox.eventBus().retained().stream().filter(e -> e.changeEvent() && e.entity().equals(entity))
                .map(e -> decode(schema, e.payload())).toList();
    }

    protected List<EventBus.StoredEvent> storedChangeEvents() {
        return sandbox.eventBus().retained().stream().filter(EventBus.StoredEvent::changeEvent).toList();
    }

    protected static GenericRecord header(GenericRecord event) {
        return (GenericRecord) event.get("ChangeEventHeader");
    }

    protected static List<String> strings(Object avroArray) {
        List<String> result = new ArrayList<>();
        ((List<?>) avroArray).forEach(o -> result.add(o.toString()));
        return result;
    }

    protected static String text(Object value) {
        return value == null ? null : value.toString();
    }

    /** The Avro field position of a top-level field of an object's change event. */
    protected int position(String entity, String field) {
        return schemaOf(entity).getField(field).pos();
    }

    /** A REST call with the Sforce-Call-Options client id of this test. */
    protected SandboxClient.Response call(String method, String path, Object body) {
        String json;
        try {
            json = body == null ? null : body instanceof String s ? s : SandboxClient.JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return client.send(method, path, json, Map.of("Authorization", "Bearer " + token(), "Content-Type",
                "application/json", "Sforce-Call-Options", "client=" + CLIENT_ID));
    }

    protected String createWithClient(String type, Object body) {
        SandboxClient.Response response = call("POST", sobject(type), body);
        if (response.status() != 201) {
            throw new AssertionError(response.status() + " " + response.text());
        }
        return response.json().get("id").asText();
    }

    protected SandboxClient.Response control(String method, String resource, String body) {
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                    + "/_sandbox/" + resource)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            return new SandboxClient.Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
