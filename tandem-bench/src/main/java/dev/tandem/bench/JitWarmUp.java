package dev.tandem.bench;

import java.time.Duration;

/**
 * The warm-up before each measured run: longer for the first run in the JVM, because on a 2-core machine the JIT
 * compilers share the CPU with the load for the first ~15 s; later runs only need to settle (connections, caches).
 */
final class JitWarmUp {

    private final Duration first;
    private final Duration later;
    private boolean used;

    JitWarmUp(Duration first, Duration later) {
        this.first = first;
        this.later = later;
    }

    Duration next() {
        Duration result = used ? later : (first.compareTo(later) > 0 ? first : later);
        used = true;
        return result;
    }
}
