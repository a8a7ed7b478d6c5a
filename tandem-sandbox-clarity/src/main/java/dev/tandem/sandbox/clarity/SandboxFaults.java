package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Fault injection on every CEF route (not on {@code /_sandbox/}): a fixed added latency and a share of requests that
 * fail with 500 or 503 in ServiceStack's error envelope (spec §2 "Errors"), as an overloaded IIS host answers.
 * Faults are drawn before authentication, so a login can fail too. {@code POST /_sandbox/faults} sets the same values.
 */
public final class SandboxFaults {

    private volatile Duration latency = Duration.ZERO;
    private volatile double errorRate;
    private volatile int errorStatus = 503;
    private final SplittableRandom random;

    SandboxFaults(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Delay added to every CEF response; zero (the default) for none. */
    public SandboxFaults latency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        if (latency.isNegative() || latency.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("latency must be within 0..60000 ms");
        }
        this.latency = latency;
        return this;
    }

    /** The share (0..1) of CEF requests answered with {@link #errorStatus()} instead of being served; default 0. */
    public SandboxFaults errorRate(double errorRate) {
        if (!(errorRate >= 0 && errorRate <= 1)) {
            throw new IllegalArgumentException("errorRate must be within 0..1");
        }
        this.errorRate = errorRate;
        return this;
    }

    /** 500 or 503 (the default). */
    public SandboxFaults errorStatus(int errorStatus) {
        if (errorStatus != 500 && errorStatus != 503) {
            throw new IllegalArgumentException("errorStatus must be 500 or 503");
        }
        this.errorStatus = errorStatus;
        return this;
    }

    /** No latency, no errors. */
    public SandboxFaults clear() {
        latency = Duration.ZERO;
        errorRate = 0;
        errorStatus = 503;
        return this;
    }

    public Duration latency() {
        return latency;
    }

    public double errorRate() {
        return errorRate;
    }

    public int errorStatus() {
        return errorStatus;
    }

    /** Runs before every CEF route: waits out the latency, then maybe fails the request. */
    void apply(Context ctx) throws InterruptedException {
        Duration delay = latency;
        if (!delay.isZero()) {
            // Requests run on virtual threads, so a sleeping request holds no platform thread.
            Thread.sleep(delay);
        }
        double rate = errorRate;
        if (rate > 0 && nextDouble() < rate) {
            throw ClarityHttpException.injected(errorStatus);
        }
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }
}
