package dev.tandem.bench;

import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one operation from {@code concurrency} closed-loop workers (each starts its next call when the previous one
 * returns): first a warm-up that is not recorded, then the measured window. Every loop is bounded twice, by time and
 * by a call count, and stops by itself.
 *
 * <p>Throughput is the number of calls started inside the measured window divided by the time from the window's
 * start to the return of the last of those calls. Latency is recorded per call in microseconds (HdrHistogram, 3
 * significant digits), one histogram per worker, merged at the end.
 */
final class LoadLoop {

    /** One call; returns normally on success, throws {@link CallFailed} (or anything else) on an error. */
    @FunctionalInterface
    interface Operation {
        void call(int worker, long sequence) throws Exception;
    }

    /** A call that completed but with a wrong answer (unexpected status, per-record failure, ...). */
    static final class CallFailed extends Exception {
        CallFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** How the workers run: one virtual thread each, or one platform thread each. */
    enum Threads {
        VIRTUAL, PLATFORM
    }

    record Result(String name, int concurrency, long calls, long errors, double seconds, Histogram latencyMicros,
                  Map<String, Long> errorSamples) {

        double callsPerSecond() {
            return seconds == 0 ? 0 : calls / seconds;
        }

        String report() {
            StringBuilder out = new StringBuilder(String.format(
                    "%-28s concurrency %3d: %,9d calls in %5.1f s = %,10.0f calls/s; latency p50 %,8.3f ms, "
                            + "p99 %,8.3f ms, max %,8.3f ms; errors %,d",
                    name, concurrency, calls, seconds, callsPerSecond(),
                    latencyMicros.getValueAtPercentile(50) / 1000.0,
                    latencyMicros.getValueAtPercentile(99) / 1000.0,
                    latencyMicros.getMaxValue() / 1000.0, errors));
            errorSamples.forEach((message, count) -> out.append(String.format("%n    %,d x %s", count, message)));
            return out.toString();
        }
    }

    private static final long HIGHEST_MICROS = Duration.ofMinutes(2).toNanos() / 1000;
    private static final int MAX_DISTINCT_ERRORS = 20;

    private LoadLoop() {
    }

    static Result run(String name, int concurrency, Threads threads, Duration warmUp, Duration measure,
            long maxCalls, Operation operation) throws InterruptedException {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1");
        }
        long perWorkerCap = Math.max(1, maxCalls / concurrency);
        long start = System.nanoTime();
        long measureStart = start + warmUp.toNanos();
        long end = measureStart + measure.toNanos();
        Histogram[] histograms = new Histogram[concurrency];
        LongAdder calls = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicLong lastReturn = new AtomicLong(measureStart);
        Map<String, Long> errorSamples = new ConcurrentHashMap<>();
        List<Thread> workers = new ArrayList<>(concurrency);
        for (int w = 0; w < concurrency; w++) {
            int worker = w;
            Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
            histograms[w] = histogram;
            Runnable body = () -> {
                long sequence = 0;
                long localLast = 0;
                while (sequence < perWorkerCap) {
                    long before = System.nanoTime();
                    if (before >= end) {
                        break;
                    }
                    boolean failed = false;
                    try {
                        operation.call(worker, sequence);
                    } catch (Exception e) {
                        failed = true;
                        if (before >= measureStart) {
                            String key = e.getClass().getSimpleName() + ": " + e.getMessage();
                            if (errorSamples.size() < MAX_DISTINCT_ERRORS || errorSamples.containsKey(key)) {
                                errorSamples.merge(key, 1L, Long::sum);
                            }
                        }
                    }
                    long after = System.nanoTime();
                    sequence++;
                    if (before >= measureStart) {
                        calls.increment();
                        if (failed) {
                            errors.increment();
                        }
                        histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (after - before) / 1000)));
                        localLast = after;
                    }
                }
                long observed = localLast;
                lastReturn.accumulateAndGet(observed, Math::max);
            };
            Thread thread = threads == Threads.VIRTUAL
                    ? Thread.ofVirtual().name("load-" + w).unstarted(body)
                    : Thread.ofPlatform().name("load-" + w).daemon().unstarted(body);
            workers.add(thread);
        }
        workers.forEach(Thread::start);
        for (Thread thread : workers) {
            // bounded: a worker stops starting calls at `end`; give a hung call a generous but finite grace
            long remainingMillis = Math.max(1, (end - System.nanoTime()) / 1_000_000) + 120_000;
            if (!thread.join(Duration.ofMillis(remainingMillis))) {
                throw new IllegalStateException("worker " + thread.getName() + " did not finish in time");
            }
        }
        Histogram merged = new Histogram(HIGHEST_MICROS, 3);
        for (Histogram histogram : histograms) {
            merged.add(histogram);
        }
        double seconds = Math.max(0, lastReturn.get() - measureStart) / 1e9;
        return new Result(name, concurrency, calls.sum(), errors.sum(), seconds, merged, Map.copyOf(errorSamples));
    }
}
