package dev.tandem.sandbox.salesforce.cdc;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The org's event bus: every change event and platform event in publish order, each with an opaque 8-byte replay
 * id that increases monotonically (spec §4.4: "Replay ID values aren't guaranteed to be contiguous"; clients store
 * them as bytes). Events are retained for 72 hours by default (high-volume events, "Message Durability",
 * https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_event_limits.htm)
 * and can be expired at once through the control API. A replay id of an expired event, or one this bus never
 * issued, is invalid (the "replayid.corrupted" error of a CUSTOM subscribe).
 */
public final class EventBus {

    /** Topic of all change events (spec §4.1). */
    public static final String ALL_CHANGE_EVENTS = "/data/ChangeEvents";

    /**
     * One stored event.
     *
     * @param topic    its own channel: {@code /data/<Object>ChangeEvent} or {@code /event/<Name>__e}
     * @param entity   the object or platform event name
     * @param summary  a JSON-ready description for the control API (header fields), may be null
     */
    public record StoredEvent(long sequence, String topic, String entity, boolean changeEvent, String eventId,
            String schemaId, byte[] payload, Instant publishedAt, Object summary) {

        public byte[] replayId() {
            return EventBus.replayId(sequence);
        }

        public boolean on(String subscribedTopic) {
            return topic.equals(subscribedTopic) || (changeEvent && subscribedTopic.equals(ALL_CHANGE_EVENTS));
        }
    }

    private final Clock clock;
    private volatile Duration retention;
    private final List<StoredEvent> events = new ArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long lastSequence;
    /** Highest sequence number that has been expired (0 = none). */
    private long expiredUpTo;

    public EventBus(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    public static byte[] replayId(long sequence) {
        return ByteBuffer.allocate(8).putLong(sequence).array();
    }

    /** The sequence inside a replay id; empty when it is not one of this bus's 8-byte ids. */
    public static Optional<Long> sequence(byte[] replayId) {
        if (replayId == null || replayId.length != 8) {
            return Optional.empty();
        }
        long value = ByteBuffer.wrap(replayId).getLong();
        return value < 0 ? Optional.empty() : Optional.of(value);
    }

    public void setRetention(Duration value) {
        this.retention = value;
    }

    public Duration retention() {
        return retention;
    }

    public StoredEvent append(String topic, String entity, boolean changeEvent, String eventId, String schemaId,
            byte[] payload, Object summary) {
        StoredEvent event;
        synchronized (this) {
            event = new StoredEvent(++lastSequence, topic, entity, changeEvent, eventId, schemaId, payload,
                    clock.instant(), summary);
            events.add(event);
        }
        listeners.forEach(Runnable::run);
        return event;
    }

    /** Called after each append (from the appending thread); listeners must not block. */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Up to {@code max} retained events on {@code topic} with a sequence above {@code after}, oldest first. */
    public synchronized List<StoredEvent> after(String topic, long after, int max) {
        evictExpired();
        List<StoredEvent> result = new ArrayList<>();
        for (int i = firstIndexAbove(after); i < events.size() && result.size() < max; i++) {
            StoredEvent event = events.get(i);
            if (event.on(topic)) {
                result.add(event);
            }
        }
        return result;
    }

    /** The sequence of the newest event on {@code topic}, or of the newest event at all when it has none. */
    public synchronized long latest(String topic) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).on(topic)) {
                return events.get(i).sequence();
            }
        }
        return lastSequence;
    }

    public synchronized long lastSequence() {
        return lastSequence;
    }

    /** EARLIEST starts before the oldest retained event. */
    public synchronized long beforeEarliest() {
        evictExpired();
        return expiredUpTo;
    }

    /**
     * Whether a CUSTOM subscription may start after this replay id: it was issued by this bus and its event is
     * still retained (replaying after the newest expired event would hide the expiry) [inferred: the exact
     * boundary Salesforce uses is not documented].
     */
    public synchronized boolean valid(long sequence) {
        evictExpired();
        if (sequence > lastSequence) {
            return false;
        }
        return sequence > expiredUpTo || (sequence == 0 && expiredUpTo == 0);
    }

    /** Expires every event published at or before {@code instant} (the control API passes "now"). */
    public synchronized int expireUpTo(Instant instant) {
        int count = 0;
        while (count < events.size() && !events.get(count).publishedAt().isAfter(instant)) {
            count++;
        }
        drop(count);
        return count;
    }

    /** Expires everything published so far, including replay ids handed out in keep-alives. */
    public synchronized int expireAll() {
        int count = events.size();
        drop(count);
        expiredUpTo = Math.max(expiredUpTo, lastSequence);
        skipPastExpiry();
        return count;
    }

    public synchronized List<StoredEvent> retained() {
        evictExpired();
        return List.copyOf(events);
    }

    public synchronized int size() {
        return events.size();
    }

    private void evictExpired() {
        Instant horizon = clock.instant().minus(retention);
        int count = 0;
        while (count < events.size() && events.get(count).publishedAt().isBefore(horizon)) {
            count++;
        }
        drop(count);
    }

    private void drop(int count) {
        if (count == 0) {
            return;
        }
        expiredUpTo = Math.max(expiredUpTo, events.get(count - 1).sequence());
        events.subList(0, count).clear();
        skipPastExpiry();
    }

    /**
     * When nothing is retained, the next id handed out (LATEST start, keep-alive latest_replay_id) must not be the
     * expired one, or a client storing it would be told its id is corrupted although it missed nothing: an
     * unused sequence number is skipped (replay ids need not be contiguous, spec §4.4).
     */
    private void skipPastExpiry() {
        if (events.isEmpty() && lastSequence == expiredUpTo && expiredUpTo > 0) {
            lastSequence++;
        }
    }

    private int firstIndexAbove(long sequence) {
        int low = 0;
        int high = events.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (events.get(mid).sequence() <= sequence) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
