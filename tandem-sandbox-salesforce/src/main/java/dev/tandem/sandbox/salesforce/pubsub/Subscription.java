package dev.tandem.sandbox.salesforce.pubsub;

import com.google.protobuf.ByteString;
import dev.tandem.sandbox.salesforce.pubsub.proto.ConsumerEvent;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.ProducerEvent;
import dev.tandem.sandbox.salesforce.cdc.EventBus;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@code Subscribe} stream (spec §4.5, proto comments): the first FetchRequest names the topic and the replay
 * start (LATEST / EARLIEST / CUSTOM, consumed from the first request only); every FetchRequest adds its
 * num_requested to the pending count, at most 100 outstanding ("If a client requests more than 100 events, the
 * server considers the number of requested events to be 100"). Events are sent only while some are pending;
 * FetchResponse.pending_num_requested says how many remain. When there is nothing to deliver the server sends an
 * empty FetchResponse with the latest replay id (the keep-alive, "within 270 seconds"; sent only while requests
 * are pending [inferred]). A later FetchRequest naming another topic ends the stream with INVALID_ARGUMENT.
 *
 * <p>All writes to the response stream happen on this subscription's own (virtual) thread, which also re-checks
 * the session so a token revoked mid-stream ends it with UNAUTHENTICATED.
 */
final class Subscription implements StreamObserver<FetchRequest> {

    static final int MAX_OUTSTANDING = 100;

    private final PubSubServer server;
    private final ServerCallStreamObserver<FetchResponse> out;
    private final String id = UUID.randomUUID().toString();
    private final String rpcId = UUID.randomUUID().toString();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private final Runnable onAppend = this::signal;
    private volatile String token;
    private volatile String topic;
    private long position;
    private int pending;
    private long delivered;
    private boolean started;
    private boolean closed;
    private StatusRuntimeException failure;

    Subscription(PubSubServer server, StreamObserver<FetchResponse> out, String token) {
        this.server = server;
        this.out = (ServerCallStreamObserver<FetchResponse>) out;
        this.token = token;
        this.out.setOnCancelHandler(this::closeQuietly);
    }

    String id() {
        return id;
    }

    String topic() {
        return topic;
    }

    int pending() {
        lock.lock();
        try {
            return pending;
        } finally {
            lock.unlock();
        }
    }

    long delivered() {
        lock.lock();
        try {
            return delivered;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onNext(FetchRequest request) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (!started) {
                StatusRuntimeException problem = start(request);
                if (problem != null) {
                    closed = true;
                    out.onError(problem);
                    return;
                }
                started = true;
                server.register(this);
                server.bus().addListener(onAppend);
                Thread.ofVirtual().name("pubsub-subscription-" + id).start(this::run);
            } else if (!request.getTopicName().isEmpty() && !request.getTopicName().equals(topic)) {
                fail(PubSubErrors.error(Status.INVALID_ARGUMENT, "The topic name of a FetchRequest must stay the"
                        + " same for the whole stream: subscribed to " + topic + ", got " + request.getTopicName(),
                        PubSubErrors.TOPIC_MISMATCH, rpcId));
                return;
            }
            if (!request.getAuthRefresh().isEmpty()) {
                token = request.getAuthRefresh();
            }
            if (request.getNumRequested() > 0) {
                pending = Math.min(MAX_OUTSTANDING, pending + request.getNumRequested());
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Validates the first request and sets the replay start; null when the stream may begin. */
    private StatusRuntimeException start(FetchRequest request) {
        String name = request.getTopicName();
        if (!server.subscribable(name)) {
            return PubSubErrors.error(Status.NOT_FOUND, "Topic not found or not accessible: " + name,
                    PubSubErrors.TOPIC_NOT_FOUND, rpcId);
        }
        topic = name;
        EventBus bus = server.bus();
        switch (request.getReplayPreset()) {
            case EARLIEST -> position = bus.beforeEarliest();
            case CUSTOM -> {
                if (request.getReplayId().isEmpty()) {
                    return PubSubErrors.error(Status.INVALID_ARGUMENT, "A CUSTOM replay preset needs a replay_id",
                            PubSubErrors.REPLAY_ID_VALIDATION_FAILED, rpcId);
                }
                Optional<Long> sequence = EventBus.sequence(request.getReplayId().toByteArray());
                if (sequence.isEmpty() || !bus.valid(sequence.get())) {
                    return PubSubErrors.error(Status.INVALID_ARGUMENT, "The Replay ID validation failed: the"
                            + " replay id is corrupted or outside the retention window",
                            PubSubErrors.REPLAY_ID_CORRUPTED, rpcId);
                }
                position = sequence.get();
            }
            default -> position = bus.lastSequence();
        }
        return null;
    }

    @Override
    public void onError(Throwable t) {
        closeQuietly();
    }

    @Override
    public void onCompleted() {
        lock.lock();
        try {
            if (!started && !closed) {
                closed = true;
                out.onCompleted();
                return;
            }
            fail(null);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream: with {@code error}, or completes it when null. Delivered on the subscription's thread. */
    void fail(StatusRuntimeException error) {
        lock.lock();
        try {
            if (failure == null) {
                failure = error != null ? error : Status.OK.asRuntimeException();
            }
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The control API's "drop stream": ends it with UNAVAILABLE, as a server restart would [inferred]. */
    void drop() {
        fail(PubSubErrors.error(Status.UNAVAILABLE, "The stream was closed by the server (dropped through the"
                + " sandbox control API)", PubSubErrors.STREAM_DROPPED, rpcId));
    }

    void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        lock.lock();
        try {
            closed = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        try {
            long lastSent = System.nanoTime();
            while (true) {
                FetchResponse response = null;
                lock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    if (failure == null && !server.auth().valid(token)) {
                        failure = PubSubErrors.error(Status.UNAUTHENTICATED, "Authentication exception: the"
                                + " session expired or was revoked", PubSubErrors.AUTH_ERROR, rpcId);
                    }
                    if (failure != null) {
                        closed = true;
                        if (failure.getStatus().isOk()) {
                            out.onCompleted();
                        } else {
                            out.onError(failure);
                        }
                        return;
                    }
                    if (pending > 0 && !server.paused()) {
                        EventBus bus = server.bus();
                        long latest = bus.latest(topic);
                        List<EventBus.StoredEvent> events = bus.after(topic, position, pending);
                        if (!events.isEmpty()) {
                            FetchResponse.Builder builder = FetchResponse.newBuilder().setRpcId(rpcId);
                            for (EventBus.StoredEvent event : events) {
                                builder.addEvents(ConsumerEvent.newBuilder()
                                        .setEvent(ProducerEvent.newBuilder().setId(event.eventId())
                                                .setSchemaId(event.schemaId())
                                                .setPayload(ByteString.copyFrom(event.payload())))
                                        .setReplayId(ByteString.copyFrom(event.replayId())));
                            }
                            position = events.getLast().sequence();
                            pending -= events.size();
                            delivered += events.size();
                            response = builder.setLatestReplayId(ByteString.copyFrom(EventBus.replayId(position)))
                                    .setPendingNumRequested(pending).build();
                        } else if (System.nanoTime() - lastSent >= server.keepAlive().toNanos()) {
                            position = Math.max(position, latest);
                            response = FetchResponse.newBuilder().setRpcId(rpcId)
                                    .setLatestReplayId(ByteString.copyFrom(EventBus.replayId(position)))
                                    .setPendingNumRequested(pending).build();
                        }
                    }
                    if (response == null) {
                        Duration wait = server.keepAlive().minusNanos(System.nanoTime() - lastSent);
                        wake.await(Math.max(1, Math.min(wait.toMillis(), 1000)), TimeUnit.MILLISECONDS);
                        continue;
                    }
                    out.onNext(response);
                    lastSent = System.nanoTime();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The client went away while a response was written: nothing more to do for this stream.
        } finally {
            server.bus().removeListener(onAppend);
            server.unregister(this);
        }
    }
}
