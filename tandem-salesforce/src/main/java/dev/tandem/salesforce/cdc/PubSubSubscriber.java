package dev.tandem.salesforce.cdc;

import com.google.protobuf.ByteString;
import com.salesforce.eventbus.protobuf.ConsumerEvent;
import com.salesforce.eventbus.protobuf.FetchRequest;
import com.salesforce.eventbus.protobuf.FetchResponse;
import com.salesforce.eventbus.protobuf.PubSubGrpc;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import com.salesforce.eventbus.protobuf.SchemaRequest;
import dev.tandem.core.spi.LeaseStore;
import io.github.resilience4j.core.IntervalFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Pub/Sub {@code Subscribe} stream for one topic ("Subscribe RPC Method",
 * https://developer.salesforce.com/docs/platform/pub-sub-api/references/methods/subscribe-rpc.html).
 *
 * <ul>
 *   <li><b>Start point:</b> CUSTOM from the stored replay id, else the configured preset for a new deployment
 *       ("replay_preset and replay_id values are only consumed as part of the first FetchRequest").</li>
 *   <li><b>Flow control:</b> requests {@code batchSize} events, and requests again up to {@code batchSize}
 *       outstanding once half were delivered, so never more than {@code batchSize} are outstanding ("Flow Control
 *       in Pub/Sub API", https://developer.salesforce.com/docs/platform/pub-sub-api/guide/flow-control.html).</li>
 *   <li><b>Durability:</b> each FetchResponse is handed to {@link ChangeEventIngest} on the stream's callback
 *       thread, which appends and then commits the replay id; the next response is read after that.</li>
 *   <li><b>Errors</b> ("Handle Errors" / "Retry RPC Calls",
 *       https://developer.salesforce.com/docs/platform/pub-sub-api/guide/retry-rpc-calls.html): a stream that ends
 *       or fails (UNAVAILABLE and the rest) is resubscribed from the stored replay id after an exponential backoff
 *       with jitter (resilience4j {@link IntervalFunction}); UNAUTHENTICATED first forgets the token, so the
 *       resubscribe authenticates with a fresh one; INVALID_ARGUMENT with {@code ...replayid.corrupted} or
 *       {@code ...replayid.validation.failed} (an expired or bad stored replay id) resubscribes LATEST and, once
 *       that stream answers, re-reads over REST every record changed since the last committed commitTimestamp.</li>
 *   <li><b>Single reader:</b> subscribes only while it holds the topic's lease, renewed every third of its ttl.</li>
 * </ul>
 */
public final class PubSubSubscriber implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PubSubSubscriber.class);

    /** The trailer with Salesforce's own error code ("Handle Errors"). */
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("error-code", Metadata.ASCII_STRING_MARSHALLER);
    static final String REPLAY_ID_CORRUPTED = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted";
    static final String REPLAY_ID_INVALID = "sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed";

    /** Subscription state, for {@code /health}. */
    public enum State { STOPPED, STANDBY, CONNECTING, SUBSCRIBED, RECOVERING, RECONNECTING }

    private final String topic;
    private final PubSubGrpc.PubSubStub stub;
    private final ChangeEventDecoder decoder;
    private final ChangeEventIngest ingest;
    private final CdcSettings settings;
    private final List<String> recoveryObjects;
    private final PubSubCredentials credentials;
    private final LeaseStore leases;
    private final String holder;
    private final ScheduledExecutorService scheduler;
    private final CdcMetrics metrics;
    private final Clock clock;
    private final IntervalFunction backoff;

    private final Object lock = new Object();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private volatile State state = State.STOPPED;
    private volatile String lastError = "";
    private volatile boolean running;
    private volatile int maxOutstanding;
    private Stream current;
    private ScheduledFuture<?> leaseTask;
    private ScheduledFuture<?> reconnectTask;

    public PubSubSubscriber(String topic, PubSubGrpc.PubSubStub stub, ChangeEventDecoder decoder,
                            ChangeEventIngest ingest, CdcSettings settings, List<String> recoveryObjects,
                            PubSubCredentials credentials, LeaseStore leases, String holder,
                            ScheduledExecutorService scheduler, CdcMetrics metrics, Clock clock) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.stub = Objects.requireNonNull(stub, "stub");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.recoveryObjects = List.copyOf(recoveryObjects);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(settings.reconnectInitial(), 2.0, 0.5,
                settings.reconnectMax());
    }

    public String topic() {
        return topic;
    }

    public State state() {
        return state;
    }

    public String lastError() {
        return lastError;
    }

    /** Events delivered on this subscriber's streams since start. */
    public long delivered() {
        return delivered.get();
    }

    /** The most events that were ever outstanding (requested, not delivered) on one stream: a test hook. */
    public int maxOutstanding() {
        return maxOutstanding;
    }

    /** Takes the lease (or waits for it) and subscribes. */
    public void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
            state = State.STANDBY;
            long renewMillis = Math.max(1, settings.leaseTtl().toMillis() / 3);
            leaseTask = scheduler.scheduleWithFixedDelay(this::leaseTick, 0, renewMillis, TimeUnit.MILLISECONDS);
        }
    }

    private String leaseName() {
        return "salesforce.cdc:" + topic;
    }

    private void leaseTick() {
        try {
            boolean held = leases.tryAcquire(leaseName(), holder, settings.leaseTtl(), clock.instant());
            synchronized (lock) {
                if (!running) {
                    return;
                }
                if (held && current == null && (reconnectTask == null || reconnectTask.isDone())) {
                    subscribe(null);
                } else if (!held && current != null) {
                    LOG.warn("Lost the CDC lease of {} to another Tandem process; standing by", topic);
                    cancelCurrent("lease lost");
                    state = State.STANDBY;
                }
            }
        } catch (RuntimeException e) {
            lastError = "lease: " + e.getMessage();
            LOG.warn("Cannot renew the CDC lease of {}: {}", topic, e.toString());
        }
    }

    /** Opens a stream; {@code recoverSince} non-null: LATEST, then re-read what changed since then. */
    private void subscribe(Instant recoverSince) {
        Optional<CdcCursor> cursor = ingest.cursor(topic);
        FetchRequest.Builder first = FetchRequest.newBuilder().setTopicName(topic)
                .setNumRequested(settings.batchSize());
        if (recoverSince != null) {
            first.setReplayPreset(ReplayPreset.LATEST);
        } else if (cursor.isPresent()) {
            first.setReplayPreset(ReplayPreset.CUSTOM)
                    .setReplayId(ByteString.copyFrom(ReplayIds.fromHex(cursor.get().replayId())));
        } else {
            first.setReplayPreset(settings.replayStart() == CdcSettings.ReplayStart.EARLIEST
                    ? ReplayPreset.EARLIEST : ReplayPreset.LATEST);
        }
        Stream stream = new Stream(recoverSince);
        current = stream;
        state = recoverSince != null ? State.RECOVERING : State.CONNECTING;
        LOG.info("Subscribing to {} ({}{})", topic, first.getReplayPreset(),
                recoverSince != null ? ", recovering changes since " + recoverSince : "");
        stub.subscribe(stream);
        stream.send(first.build(), settings.batchSize());
        if (recoverSince != null) {
            // The server fixes LATEST when it reads the first FetchRequest; a quiet topic may answer only with a
            // keep-alive minutes later, so the re-read also starts after a short delay (overlap is harmless:
            // events are notifications and flows fetch the current record).
            scheduler.schedule(() -> {
                if (stream.isCurrent()) {
                    stream.recoverOnce();
                }
            }, settings.reconnectInitial().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void scheduleReconnect(String reason, Instant recoverSince, boolean immediately) {
        synchronized (lock) {
            current = null;
            if (!running) {
                return;
            }
            state = State.RECONNECTING;
            metrics.reconnect(topic, reason);
            long delay = immediately ? 0 : backoff.apply(attempts.incrementAndGet());
            reconnectTask = scheduler.schedule(() -> {
                synchronized (lock) {
                    if (running && current == null) {
                        subscribe(recoverSince);
                    }
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelCurrent(String why) {
        Stream stream = current;
        current = null;
        if (stream != null) {
            stream.cancel(why);
        }
    }

    /** Ends the stream and gives the lease up. */
    public void stop() {
        synchronized (lock) {
            running = false;
            if (leaseTask != null) {
                leaseTask.cancel(false);
            }
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
            }
            cancelCurrent("stopped");
            state = State.STOPPED;
        }
        try {
            leases.release(leaseName(), holder);
        } catch (RuntimeException e) {
            LOG.warn("Cannot release the CDC lease of {}: {}", topic, e.toString());
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** One Subscribe call. Callbacks of one call never run concurrently (gRPC's observer contract). */
    private final class Stream implements ClientResponseObserver<FetchRequest, FetchResponse> {

        private Instant recoverSince;
        private final Object recoveryLock = new Object();
        private ClientCallStreamObserver<FetchRequest> requests;
        private int outstanding;
        private boolean cancelled;

        Stream(Instant recoverSince) {
            this.recoverSince = recoverSince;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<FetchRequest> requestStream) {
            this.requests = requestStream;
        }

        synchronized void send(FetchRequest request, int requested) {
            if (cancelled) {
                return;
            }
            outstanding += requested;
            maxOutstanding = Math.max(maxOutstanding, outstanding);
            requests.onNext(request);
        }

        synchronized void cancel(String why) {
            if (!cancelled && requests != null) {
                cancelled = true;
                requests.cancel(why, null);
            }
        }

        private boolean isCurrent() {
            synchronized (lock) {
                return current == this && running;
            }
        }

        /** Runs the pending expired-replay re-read once, before any event of the new stream is handled. */
        void recoverOnce() {
            synchronized (recoveryLock) {
                if (recoverSince == null) {
                    return;
                }
                try {
                    int recovered = ingest.recoverExpiredReplay(topic, recoveryObjects, recoverSince);
                    LOG.warn("Recovered {}: {} new events from re-reading records changed since {}", topic,
                            recovered, recoverSince);
                    recoverSince = null;
                    state = State.SUBSCRIBED;
                } catch (RuntimeException e) {
                    lastError = "recovery: " + e.getMessage();
                    LOG.error("Re-reading {} after an invalid replay id failed; retrying on the next stream", topic,
                            e);
                    Instant since = recoverSince;
                    cancel("recovery failed");
                    scheduleReconnect("recovery-failed", since, false);
                }
            }
        }

        @Override
        public void onNext(FetchResponse response) {
            if (!isCurrent()) {
                return;
            }
            try {
                attempts.set(0);
                recoverOnce();
                if (!isCurrent()) {
                    return;
                }
                state = State.SUBSCRIBED;
                // Re-request first (the delivered events are no longer outstanding), so the server sends the next
                // batch while this one is made durable: never more than batchSize outstanding, and no idle wire.
                int delivered = response.getEventsCount();
                int requestMore;
                synchronized (this) {
                    outstanding = Math.max(0, outstanding - delivered);
                    requestMore = outstanding <= settings.batchSize() / 2 ? settings.batchSize() - outstanding : 0;
                }
                if (requestMore > 0) {
                    send(FetchRequest.newBuilder().setTopicName(topic).setNumRequested(requestMore).build(),
                            requestMore);
                }
                List<ChangeEvent> events = new ArrayList<>(delivered);
                for (ConsumerEvent consumed : response.getEventsList()) {
                    String schemaId = consumed.getEvent().getSchemaId();
                    events.add(decoder.decode(topic, consumed.getReplayId().toByteArray(), schemaId,
                            consumed.getEvent().getPayload().toByteArray()));
                }
                if (events.isEmpty()) {
                    if (!response.getLatestReplayId().isEmpty()) {
                        ingest.keepAlive(topic, ReplayIds.toHex(response.getLatestReplayId().toByteArray()));
                    }
                } else {
                    ingest.ingest(topic, events);
                    PubSubSubscriber.this.delivered.addAndGet(events.size());
                }
            } catch (RuntimeException e) {
                // Nothing of this response was committed: resubscribing from the stored replay id re-delivers it.
                lastError = "ingest: " + e.getMessage();
                LOG.error("Cannot ingest change events of {}; resubscribing from the last committed replay id",
                        topic, e);
                cancel("ingest failed");
                scheduleReconnect("ingest-failed", null, false);
            }
        }

        @Override
        public void onError(Throwable error) {
            if (!isCurrent()) {
                return;
            }
            Status status = Status.fromThrowable(error);
            Metadata trailers = Status.trailersFromThrowable(error);
            String code = trailers == null ? "" : Objects.requireNonNullElse(trailers.get(ERROR_CODE), "");
            lastError = status.getCode() + (code.isEmpty() ? "" : " " + code) + ": " + status.getDescription();
            if (status.getCode() == Status.Code.INVALID_ARGUMENT
                    && (code.equals(REPLAY_ID_CORRUPTED) || code.equals(REPLAY_ID_INVALID))) {
                Instant since = ingest.cursor(topic).map(CdcCursor::commitTimestamp).filter(ms -> ms > 0)
                        .map(Instant::ofEpochMilli)
                        .orElse(clock.instant().minus(ChangeEventIngest.RETENTION));
                LOG.warn("{}: stored replay id refused ({}); resubscribing LATEST and re-reading changes since {}",
                        topic, code, since);
                scheduleReconnect("replay-id-invalid", since, true);
            } else if (status.getCode() == Status.Code.UNAUTHENTICATED) {
                LOG.warn("{}: Pub/Sub refused the token ({}); refreshing it and resubscribing", topic, code);
                credentials.invalidate();
                scheduleReconnect("unauthenticated", recoverSince, false);
            } else {
                LOG.warn("{}: stream failed ({}); resubscribing after a backoff", topic, lastError);
                scheduleReconnect(status.getCode().name().toLowerCase(java.util.Locale.ROOT), recoverSince, false);
            }
        }

        @Override
        public void onCompleted() {
            if (!isCurrent()) {
                return;
            }
            LOG.info("{}: the server ended the stream; resubscribing", topic);
            scheduleReconnect("stream-ended", recoverSince, false);
        }
    }

    /** GetSchema, for the decoder's cache. */
    static String fetchSchema(PubSubGrpc.PubSubBlockingStub blocking, String schemaId) {
        return blocking.getSchema(SchemaRequest.newBuilder().setSchemaId(schemaId).build()).getSchemaJson();
    }

    static Duration backoffFor(IntervalFunction function, int attempt) {
        return Duration.ofMillis(function.apply(attempt));
    }
}
