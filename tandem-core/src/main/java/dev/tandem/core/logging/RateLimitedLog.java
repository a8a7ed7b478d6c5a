package dev.tandem.core.logging;

import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A log line per kind of occurrence, not per occurrence: the first of a kind ({@code key}, e.g. a rejection reason)
 * is written at once; later ones within {@code interval} are counted, and the first one after the interval is
 * written with the count of those suppressed since the last line. So a flood of forged webhooks writes one line
 * per reason and minute instead of one per request (gigabytes an hour), and an operator still sees that it goes on
 * and how much.
 *
 * <p>The suppressed count is reported with the next occurrence of the key: when a flood stops, its last
 * interval's count is not written (the metric beside it, e.g. {@code tandem_webhook_rejected_total}, has it).
 * Keys must come from a small set (reasons, not peer addresses): each keeps a few bytes for the life of the
 * process.
 *
 * <p>Thread-safe.
 */
public final class RateLimitedLog {

    /** Where a line goes: the message already formatted. */
    @FunctionalInterface
    public interface Sink {
        void write(String line);
    }

    private record Window(Instant lastWritten, long suppressed) {
    }

    private final Sink sink;
    private final Duration interval;
    private final Clock clock;
    private final ConcurrentMap<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimitedLog(Sink sink, Duration interval, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the interval must be positive: " + interval);
        }
    }

    /** Lines at WARN on {@code logger}, at most one per key and {@code interval}. */
    public static RateLimitedLog warn(Logger logger, Duration interval, Clock clock) {
        return new RateLimitedLog(logger::warn, interval, clock);
    }

    /**
     * Writes {@code format} (SLF4J's {@code {}} placeholders) with {@code args} unless a line of {@code key} was
     * written less than the interval ago, in which case it is only counted.
     *
     * @return whether a line was written
     */
    public boolean log(String key, String format, Object... args) {
        Objects.requireNonNull(key, "key");
        Instant now = clock.instant();
        long[] suppressedBefore = {-1};
        windows.compute(key, (k, window) -> {
            if (window == null || !now.isBefore(window.lastWritten().plus(interval))) {
                suppressedBefore[0] = window == null ? 0 : window.suppressed();
                return new Window(now, 0);
            }
            return new Window(window.lastWritten(), window.suppressed() + 1);
        });
        if (suppressedBefore[0] < 0) {
            return false;
        }
        String line = MessageFormatter.arrayFormat(format, args).getMessage();
        if (suppressedBefore[0] > 0) {
            line += " (" + suppressedBefore[0] + " more like this suppressed in the last " + human(interval) + ")";
        }
        sink.write(line);
        return true;
    }

    /** How many occurrences of {@code key} were counted but not written since its last line. */
    public long suppressed(String key) {
        Window window = windows.get(key);
        return window == null ? 0 : window.suppressed();
    }

    private static String human(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toSeconds() > 0 ? d.toMinutes() + " min" : d.toMillis() + " ms";
    }
}
