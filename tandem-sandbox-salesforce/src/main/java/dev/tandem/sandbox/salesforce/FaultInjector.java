package dev.tandem.sandbox.salesforce;

import dev.tandem.sandbox.salesforce.auth.AccessTokens;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.rest.ApiUsage;
import java.time.Duration;
import java.util.Random;

/**
 * Failure modes a real org shows under load (spec §8 "fault injection"): 503 SERVER_UNAVAILABLE, transient
 * UNABLE_TO_LOCK_ROW on writes, latency, revoked sessions (401), an exhausted daily allocation (403 and
 * {@code DailyApiRequests.Remaining: 0} in {@code /limits}) and its renewal. A full outage is a server error rate of 1. Rates are
 * drawn from a seedable {@link Random} so a test or benchmark run can be replayed.
 */
public final class FaultInjector {

    private final Random random;
    private final AccessTokens tokens;
    private final ApiUsage usage;
    private volatile double serverErrorRate;
    private volatile double lockErrorRate;
    private volatile Duration latency = Duration.ZERO;

    FaultInjector(Random random, AccessTokens tokens, ApiUsage usage) {
        this.random = random;
        this.tokens = tokens;
        this.usage = usage;
    }

    /** Share (0..1) of data calls answered 503 SERVER_UNAVAILABLE before doing anything. */
    public FaultInjector setServerErrorRate(double rate) {
        this.serverErrorRate = checkRate(rate);
        return this;
    }

    /** Share (0..1) of write calls (a whole graph counts as one) failing with UNABLE_TO_LOCK_ROW. */
    public FaultInjector setLockErrorRate(double rate) {
        this.lockErrorRate = checkRate(rate);
        return this;
    }

    /** Delay added to every data call. */
    public FaultInjector setLatency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        this.latency = delay;
        return this;
    }

    /** Invalidates every issued access token: the next data call answers 401 INVALID_SESSION_ID. */
    public FaultInjector revokeTokens() {
        tokens.revokeAll();
        return this;
    }

    /** Uses up the daily API allocation: data calls answer 403 REQUEST_LIMIT_EXCEEDED until a reset. */
    public FaultInjector exhaustLimit() {
        usage.exhaust();
        return this;
    }

    /** A new day of the daily allocation: the used requests start from zero again (records are kept). */
    public FaultInjector restoreLimit() {
        usage.reset();
        return this;
    }

    /** Back to a healthy org: no error rates, no latency. */
    public FaultInjector clear() {
        serverErrorRate = 0;
        lockErrorRate = 0;
        latency = Duration.ZERO;
        return this;
    }

    public double serverErrorRate() {
        return serverErrorRate;
    }

    public double lockErrorRate() {
        return lockErrorRate;
    }

    public Duration latency() {
        return latency;
    }

    boolean rollServerError() {
        return roll(serverErrorRate);
    }

    LockFault newLockFault() {
        return new LockFault(roll(lockErrorRate));
    }

    private boolean roll(double rate) {
        if (rate <= 0) {
            return false;
        }
        synchronized (random) {
            return random.nextDouble() < rate;
        }
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("a rate is between 0 and 1: " + rate);
        }
        return rate;
    }
}
