package dev.tandem.sandbox.clarity.webhook;

import dev.tandem.sandbox.clarity.wire.ClarityJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers webhook events (spec §11) at least once. Due attempts wait in a {@link DelayQueue}; one pump thread takes
 * them as they fall due and hands each to its own virtual thread, so any number of deliveries are in flight at once
 * and a slow receiver delays nobody else. A non-2xx answer, a timeout or a connection error schedules the next attempt
 * after an exponential backoff; after the give-up period the delivery is {@link DeliveryStatus#Failed}.
 *
 * <p>Test switches: a duplicate rate (the same event, same EventID, delivered twice) and out-of-order delivery (a
 * random extra delay per delivery, so later events may arrive first), both allowed by spec §11.
 */
public final class WebhookDispatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);

    private final WebhookSettings settings;
    private final ClarityJson json;
    private final Clock clock;
    private final Random random;
    private final HttpClient client;
    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final DelayQueue<DueAttempt> due = new DelayQueue<>();
    private final Map<Integer, Subscription> subscriptions = new ConcurrentSkipListMap<>();
    private final Map<Integer, Delivery> deliveries = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextSubscriptionId = new AtomicInteger(1);
    private final AtomicInteger nextDeliveryId = new AtomicInteger(1);
    private final Thread pump;
    private volatile boolean running = true;
    private volatile double duplicateRate;
    private volatile boolean outOfOrder;
    private volatile Duration maxJitter;

    public WebhookDispatcher(WebhookSettings settings, ClarityJson json, Clock clock, long seed) {
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.random = new Random(seed);
        this.maxJitter = settings.maxJitter();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.pump = Thread.ofVirtual().name("clarity-webhook-pump").start(this::pump);
    }

    // ---- subscriptions ----

    public Subscription subscribe(SubscriptionRequest request) {
        URI url = validUrl(request.url());
        if (request.secret() == null || request.secret().isBlank()) {
            throw new IllegalArgumentException("Secret is required: deliveries are signed with it");
        }
        List<String> types = request.eventTypes() == null || request.eventTypes().isEmpty()
                ? List.of("*") : List.copyOf(request.eventTypes());
        int id = nextSubscriptionId.getAndIncrement();
        Subscription subscription = new Subscription(id, url, request.secret(), types, true, clock.instant());
        subscriptions.put(id, subscription);
        return subscription;
    }

    public boolean unsubscribe(int id) {
        return subscriptions.remove(id) != null;
    }

    public List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    // ---- switches ----

    public void setDuplicateRate(double rate) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException("duplicateRate must be within 0..1, was " + rate);
        }
        this.duplicateRate = rate;
    }

    public void setOutOfOrder(boolean on) {
        this.outOfOrder = on;
    }

    public void setMaxJitter(Duration jitter) {
        if (jitter.isNegative()) {
            throw new IllegalArgumentException("maxJitter must not be negative");
        }
        this.maxJitter = jitter;
    }

    public double duplicateRate() {
        return duplicateRate;
    }

    public boolean outOfOrder() {
        return outOfOrder;
    }

    public Duration maxJitter() {
        return maxJitter;
    }

    // ---- publishing and the log ----

    /** Queues the event for every subscription that wants it. */
    public void publish(WebhookEvent event) {
        if (!running) {
            return;
        }
        byte[] body = json.write(event);
        for (Subscription subscription : subscriptions.values()) {
            if (!subscription.wants(event.eventType())) {
                continue;
            }
            enqueue(event, subscription, body, false);
            if (duplicateRate > 0 && nextDouble() < duplicateRate) {
                enqueue(event, subscription, body, true);
            }
        }
    }

    public List<DeliveryView> deliveries(Optional<DeliveryStatus> status) {
        List<DeliveryView> views = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            DeliveryView view = d.view();
            if (status.isEmpty() || view.status() == status.get()) {
                views.add(view);
            }
        }
        return views;
    }

    public long count(DeliveryStatus status) {
        return deliveries.values().stream().filter(d -> d.status() == status).count();
    }

    @Override
    public void close() {
        running = false;
        pump.interrupt();
        senders.shutdownNow();
        client.shutdownNow();
    }

    // ---- delivery machinery ----

    private void enqueue(WebhookEvent event, Subscription subscription, byte[] body, boolean duplicate) {
        Delivery delivery = new Delivery(nextDeliveryId.getAndIncrement(), event, subscription, body, duplicate,
                clock.instant(), System.nanoTime());
        deliveries.put(delivery.id(), delivery);
        schedule(delivery, outOfOrder ? jitter() : Duration.ZERO);
    }

    private void schedule(Delivery delivery, Duration delay) {
        delivery.scheduledAt(clock.instant().plus(delay));
        due.put(new DueAttempt(delivery, System.nanoTime() + delay.toNanos()));
    }

    private void pump() {
        while (running) {
            try {
                Delivery delivery = due.take().delivery();
                senders.execute(() -> attempt(delivery));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RejectedExecutionException e) {
                return;
            }
        }
    }

    private void attempt(Delivery delivery) {
        if (!subscriptions.containsKey(delivery.subscription().id())) {
            delivery.failed(null, "Subscription " + delivery.subscription().id() + " was deleted");
            return;
        }
        int attempt = delivery.startAttempt(clock.instant());
        Integer statusCode = null;
        String error;
        try {
            // Signed at each attempt with a fresh timestamp, so receivers' 5-minute window holds on retries (§11).
            long t = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(delivery.subscription().url())
                    .timeout(settings.timeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "Clarity-Sandbox-Webhooks/1.0")
                    .header(WebhookSigner.HEADER, WebhookSigner.header(delivery.subscription().secret(), t,
                            delivery.body()))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(delivery.body()))
                    .build();
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            statusCode = response.statusCode();
            if (statusCode >= 200 && statusCode < 300) {
                delivery.delivered(statusCode, clock.instant());
                return;
            }
            error = "HTTP " + statusCode;
        } catch (HttpTimeoutException e) {
            error = "Timed out after " + settings.timeout();
        } catch (IOException e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (!running) {
            return;
        }
        Duration backoff = settings.backoffAfter(attempt);
        Duration age = Duration.ofNanos(System.nanoTime() - delivery.createdNanos());
        if (age.plus(backoff).compareTo(settings.giveUpAfter()) > 0) {
            LOG.debug("Webhook delivery {} failed for good after {} attempts: {}", delivery.id(), attempt, error);
            delivery.failed(statusCode, error);
            return;
        }
        delivery.retryAt(statusCode, error, clock.instant().plus(backoff));
        due.put(new DueAttempt(delivery, System.nanoTime() + backoff.toNanos()));
    }

    private Duration jitter() {
        long max = maxJitter.toMillis();
        return max <= 0 ? Duration.ZERO : Duration.ofMillis(nextLong(max + 1));
    }

    private double nextDouble() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private long nextLong(long bound) {
        synchronized (random) {
            return random.nextLong(bound);
        }
    }

    private static URI validUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("Url is required");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Url is not a valid URI: " + url);
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("Url must be an absolute http(s) URL: " + url);
        }
        return uri;
    }

    /** A delivery whose next attempt is due at {@code dueNanos} ({@link System#nanoTime()} scale). */
    private record DueAttempt(Delivery delivery, long dueNanos) implements Delayed {

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(dueNanos, ((DueAttempt) other).dueNanos);
        }
    }
}
