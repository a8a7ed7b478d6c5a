package dev.tandem.bench;

import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.sandbox.salesforce.pubsub.proto.ConsumerEvent;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.PubSubGrpc;
import dev.tandem.sandbox.salesforce.pubsub.proto.ReplayPreset;
import dev.tandem.sandbox.salesforce.pubsub.proto.SchemaRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;

/**
 * Throughput of the Salesforce sandbox's Pub/Sub API (issue 8 point 13): change events delivered per second to
 * Subscribe streams over loopback gRPC (plaintext by default, {@code --tls true} for the self-signed endpoint).
 * <ul>
 *   <li>{@code backlog}: {@code --events} Account change events are produced first (sObject Collections creates of
 *       200 records, each its own event), then {@code --subscribers} streams replay them from EARLIEST with flow
 *       control ({@code --num-requested} per FetchRequest, re-requested when half is consumed). events/s = events
 *       received by all streams ÷ time from the first FetchRequest to the last event.</li>
 *   <li>{@code live}: one stream subscribed LATEST while a writer posts Collections creates for {@code --seconds};
 *       events/s delivered, and the latency from commitTimestamp (decoded from the Avro header, ms resolution) to
 *       receipt.</li>
 * </ul>
 * Every loop is bounded by {@code --events} or {@code --seconds} and stops by itself.
 */
public final class PubSubSandboxLoad {

    private static final String TOPIC = "/data/AccountChangeEvent";

    private PubSubSandboxLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("PubSubSandboxLoad")
                .declare("scenario", "both", "backlog | live | both")
                .declare("events", "100000", "change events produced before the backlog replay")
                .declare("subscribers", "1", "concurrent EARLIEST streams in the backlog scenario")
                .declare("num-requested", "100", "num_requested of each FetchRequest (the server caps at 100)")
                .declare("seconds", "10", "duration of the live scenario")
                .declare("tls", "false", "true: TLS with the sandbox's self-signed certificate");
        if (!options.parse(args)) {
            return;
        }
        String scenario = options.choice("scenario", java.util.Set.of("backlog", "live", "both"));
        boolean tls = Boolean.parseBoolean(options.text("tls"));
        System.out.println("PubSubSandboxLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        try (SalesforceSandbox sandbox = SalesforceSandbox.builder().port(0).dailyApiLimit(Long.MAX_VALUE)
                .pubSubPort(0).pubSubPlaintext(!tls).build().start()) {
            HttpClient http = HttpClient.newHttpClient();
            String token = token(http, sandbox);
            Metadata auth = new Metadata();
            auth.put(Metadata.Key.of("accesstoken", Metadata.ASCII_STRING_MARSHALLER), token);
            auth.put(Metadata.Key.of("instanceurl", Metadata.ASCII_STRING_MARSHALLER), sandbox.baseUrl());
            auth.put(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER), sandbox.orgId());
            NettyChannelBuilder builder = NettyChannelBuilder.forAddress("localhost", sandbox.pubSubPort());
            if (tls) {
                builder.sslContext(io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts.forClient()
                        .trustManager(sandbox.pubSubCertificatePath().orElseThrow().toFile()).build());
            } else {
                builder.usePlaintext();
            }
            ManagedChannel channel = builder.build();
            try {
                PubSubGrpc.PubSubStub stub = PubSubGrpc.newStub(channel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth));
                int numRequested = options.integer("num-requested");
                if (!scenario.equals("live")) {
                    backlog(sandbox, http, token, stub, options.integer("events"), options.integer("subscribers"),
                            numRequested);
                }
                if (!scenario.equals("backlog")) {
                    Schema schema = new Schema.Parser().parse(PubSubGrpc.newBlockingStub(channel)
                            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth))
                            .getSchema(SchemaRequest.newBuilder().setSchemaId(sandbox.changeCapture()
                                    .layout("Account").orElseThrow().schemaId()).build()).getSchemaJson());
                    live(sandbox, http, token, stub, schema, Duration.ofSeconds(options.longValue("seconds")),
                            numRequested);
                }
            } finally {
                channel.shutdownNow();
            }
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    private static void backlog(SalesforceSandbox sandbox, HttpClient http, String token, PubSubGrpc.PubSubStub stub,
            int events, int subscribers, int numRequested) throws Exception {
        long produceStart = System.nanoTime();
        int created = 0;
        while (created < events) {
            int batch = Math.min(200, events - created);
            create(http, sandbox, token, "B" + created + "-", batch);
            created += batch;
        }
        double produceSeconds = (System.nanoTime() - produceStart) / 1e9;
        System.out.printf(Locale.ROOT, "backlog: produced %,d change events in %.2f s (%,.0f writes/s)%n", events,
                produceSeconds, events / produceSeconds);
        CountDownLatch done = new CountDownLatch(subscribers);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long start = System.nanoTime();
        for (int s = 0; s < subscribers; s++) {
            Reader reader = new Reader(events, numRequested, received, done, failure, null, null);
            reader.requests = stub.subscribe(reader);
            reader.requests.onNext(FetchRequest.newBuilder().setTopicName(TOPIC).setReplayPreset(ReplayPreset.EARLIEST)
                    .setNumRequested(numRequested).build());
        }
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException("backlog replay did not finish: " + received.get() + " received");
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a stream failed", failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "backlog: %d stream(s) received %,d events in %.2f s = %,.0f events/s"
                + " (num_requested %d)%n", subscribers, received.get(), seconds, received.get() / seconds,
                numRequested);
    }

    private static void live(SalesforceSandbox sandbox, HttpClient http, String token, PubSubGrpc.PubSubStub stub,
            Schema schema, Duration duration, int numRequested) throws Exception {
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Histogram latency = new Histogram(3_600_000L, 3);
        Reader reader = new Reader(Long.MAX_VALUE, numRequested, received, new CountDownLatch(1), failure, schema,
                latency);
        int before = sandbox.pubSub().orElseThrow().subscribers().size();
        reader.requests = stub.subscribe(reader);
        reader.requests.onNext(FetchRequest.newBuilder().setTopicName(TOPIC).setReplayPreset(ReplayPreset.LATEST)
                .setNumRequested(numRequested).build());
        long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (sandbox.pubSub().orElseThrow().subscribers().size() <= before && System.nanoTime() < wait) {
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long written = 0;
        while (System.nanoTime() < end) {
            create(http, sandbox, token, "L" + written + "-", 200);
            written += 200;
        }
        long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.get() < written && System.nanoTime() < drainDeadline && failure.get() == null) {
            Thread.onSpinWait();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        reader.requests.onCompleted();
        System.out.printf(Locale.ROOT, "live: wrote %,d records, stream received %,d events in %.2f s = %,.0f events/s;"
                + " commit-to-receipt p50 %d ms, p99 %d ms, max %d ms%n", written, received.get(), seconds,
                received.get() / seconds, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                latency.getMaxValue());
    }

    /** A Subscribe stream that re-requests when half of its outstanding requests are consumed. */
    private static final class Reader implements StreamObserver<FetchResponse> {
        private final long expected;
        private final int numRequested;
        private final AtomicLong received;
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure;
        private final Schema schema;
        private final Histogram latency;
        private long mine;
        private int outstanding;
        private final java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        volatile StreamObserver<FetchRequest> requests;

        Reader(long expected, int numRequested, AtomicLong received, CountDownLatch done,
                AtomicReference<Throwable> failure, Schema schema, Histogram latency) {
            this.expected = expected;
            this.numRequested = numRequested;
            this.outstanding = Math.min(100, numRequested);
            this.received = received;
            this.done = done;
            this.failure = failure;
            this.schema = schema;
            this.latency = latency;
        }

        @Override
        public void onNext(FetchResponse response) {
            long now = System.currentTimeMillis();
            for (ConsumerEvent event : response.getEventsList()) {
                if (schema != null) {
                    try {
                        GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null,
                                DecoderFactory.get().directBinaryDecoder(new ByteArrayInputStream(
                                        event.getEvent().getPayload().toByteArray()), null));
                        long commit = (Long) ((GenericRecord) record.get("ChangeEventHeader")).get("commitTimestamp");
                        synchronized (latency) {
                            latency.recordValue(Math.max(0, now - commit));
                        }
                    } catch (java.io.IOException e) {
                        failure.set(e);
                    }
                }
            }
            int count = response.getEventsCount();
            mine += count;
            received.addAndGet(count);
            outstanding = response.getPendingNumRequested();
            if (mine >= expected) {
                finish();
                requests.onCompleted();
                return;
            }
            if (outstanding <= numRequested / 2) {
                requests.onNext(FetchRequest.newBuilder().setNumRequested(numRequested - outstanding).build());
                outstanding = numRequested;
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!finished.get()) {
                failure.compareAndSet(null, t);
            }
            finish();
        }

        @Override
        public void onCompleted() {
            finish();
        }

        /** Counts this stream down once, whichever of its ends comes first. */
        private void finish() {
            if (finished.compareAndSet(false, true)) {
                done.countDown();
            }
        }
    }

    private static void create(HttpClient http, SalesforceSandbox sandbox, String token, String prefix, int count)
            throws Exception {
        StringBuilder body = new StringBuilder("{\"allOrNone\":true,\"records\":[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"attributes\":{\"type\":\"Account\"},\"Name\":\"")
                    .append(prefix).append(i).append("\"}");
        }
        body.append("]}");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                        + "/services/data/v66.0/composite/sobjects"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .header("Sforce-Call-Options", "client=tandem-bench")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("create failed: " + response.statusCode() + " " + response.body());
        }
    }

    private static String token(HttpClient http, SalesforceSandbox sandbox) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(sandbox.tokenUrl()))
                .header("Authorization", LoopbackHttp.basic(sandbox.clientId(), sandbox.clientSecret()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(),
                HttpResponse.BodyHandlers.ofString());
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(response.body());
        return json.get("access_token").asText();
    }
}
