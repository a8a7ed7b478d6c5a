package dev.tandem.core.connector;

import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The {@link Availability} of one system, fed by its connector's HTTP client: every answer ({@link #succeeded()})
 * and every failure ({@link #failed}) of a real call, so the state follows what the system does without extra
 * requests. A circuit breaker in the terms of Nygard's <i>Release It!</i>: closed while calls work; open after
 * {@code failureThreshold} connection failures in a row (5xx, timeouts, refused connections), at once on a request
 * limit (REQUEST_LIMIT_EXCEEDED, HTTP 429) or on refused credentials ({@code invalid_client}, {@code invalid_grant},
 * a refused login); half-open only through {@link #probe()}, which the flow runtime calls once per probe interval.
 *
 * <p>Errors about a record (a bad value, a missing field, a denied field permission) say the system is up: they
 * count as answers.
 */
public final class AvailabilityTracker implements Availability {

    /** Connection failures in a row that open the circuit; one failure is a blip the retry policy handles. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 3;

    /**
     * Codes that mean the configured credentials are refused, so retrying cannot help: OAuth 2.0's
     * {@code invalid_client}/{@code unauthorized_client}/{@code invalid_grant} (RFC 6749 §5.2), Salesforce's
     * {@code invalid_client_id}, Clarity's refused login, and {@code INVALID_SESSION_ID} — the Salesforce client
     * raises it only when a token obtained a moment ago is refused too.
     */
    private static final Set<String> CONFIGURATION_CODES = Set.of("INVALID_CLIENT", "INVALID_CLIENT_ID",
            "UNAUTHORIZED_CLIENT", "INVALID_GRANT", "CLARITY_LOGIN_FAILED", "INVALID_SESSION_ID");

    /** A call to the system that throws {@link IntegrationException} when it shows the system unusable. */
    @FunctionalInterface
    public interface ProbeCall {
        void call();
    }

    private static final Logger log = LoggerFactory.getLogger(AvailabilityTracker.class);

    private final String system;
    private final Clock clock;
    private final int failureThreshold;
    private final ThreadLocal<Boolean> probing = ThreadLocal.withInitial(() -> false);
    private volatile ProbeCall probeCall;
    private volatile AvailabilityState state;
    private int consecutiveFailures;

    public AvailabilityTracker(String system, Clock clock, int failureThreshold, ProbeCall probeCall) {
        this.system = Objects.requireNonNull(system, "system");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be >= 1");
        }
        this.failureThreshold = failureThreshold;
        this.probeCall = Objects.requireNonNull(probeCall, "probeCall");
        this.state = AvailabilityState.available(clock.instant());
    }

    /** Sets the probe when the client that makes it is built after this tracker. */
    public void probeWith(ProbeCall call) {
        this.probeCall = Objects.requireNonNull(call, "call");
    }

    @Override
    public String system() {
        return system;
    }

    @Override
    public AvailabilityState state() {
        return state;
    }

    /** The system answered a real call (any answer that is not a failure of the system itself). */
    public void succeeded() {
        if (probing.get()) {
            return; // the probe's own outcome decides
        }
        synchronized (this) {
            consecutiveFailures = 0;
            if (!state.available()) {
                become(AvailabilityState.available(clock.instant()));
            }
        }
    }

    /** A real call failed; opens the circuit when the failure is about the system rather than a record. */
    public void failed(IntegrationException failure) {
        if (probing.get()) {
            return;
        }
        synchronized (this) {
            AvailabilityState.Cause cause = causeOf(failure);
            if (cause == null) {
                consecutiveFailures = 0; // it answered, about a record
                return;
            }
            if (cause == AvailabilityState.Cause.OUTAGE && ++consecutiveFailures < failureThreshold) {
                return;
            }
            open(cause, failure);
        }
    }

    /**
     * Runs the probe call once: it working means available; a failure sets the state by its cause (one connection
     * failure is enough here: the probe is what closes or keeps open the circuit).
     */
    @Override
    public AvailabilityState probe() {
        probing.set(true);
        try {
            probeCall.call();
            synchronized (this) {
                consecutiveFailures = 0;
                if (!state.available()) {
                    become(AvailabilityState.available(clock.instant()));
                }
            }
        } catch (IntegrationException e) {
            if ("INTERRUPTED".equals(e.errorCode())) {
                return state; // Tandem stopping: the probe says nothing about the system
            }
            synchronized (this) {
                AvailabilityState.Cause cause = causeOf(e);
                if (cause == null) {
                    if (!state.available()) {
                        become(AvailabilityState.available(clock.instant()));
                    }
                } else {
                    open(cause, e);
                }
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                open(AvailabilityState.Cause.OUTAGE, IntegrationException.transientFailure(system, "PROBE_FAILED",
                        e.getClass().getSimpleName() + ": " + e.getMessage(), 0, e));
            }
        } finally {
            probing.remove();
        }
        return state;
    }

    /** What a failure says about the system: an outage, a used-up limit, refused credentials, or nothing (null). */
    static AvailabilityState.Cause causeOf(IntegrationException failure) {
        String code = failure.errorCode() == null ? "" : failure.errorCode().toUpperCase(Locale.ROOT);
        if (CONFIGURATION_CODES.contains(code)) {
            return AvailabilityState.Cause.CONFIGURATION;
        }
        if ("INTERRUPTED".equals(code)) {
            return null; // Tandem stopping, not the system failing
        }
        return switch (ErrorClass.of(code, failure.httpStatus())) {
            case CONNECTION -> AvailabilityState.Cause.OUTAGE;
            case RATE_LIMIT -> AvailabilityState.Cause.RATE_LIMITED;
            default -> null;
        };
    }

    private void open(AvailabilityState.Cause cause, IntegrationException failure) {
        String detail = failure.errorCode() + ": " + failure.getMessage();
        if (state instanceof AvailabilityState.Unavailable u && u.cause() == cause) {
            return; // still the same trouble: keep its start
        }
        become(AvailabilityState.unavailable(cause, detail, clock.instant()));
    }

    private void become(AvailabilityState next) {
        AvailabilityState before = state;
        state = next;
        switch (next) {
            case AvailabilityState.Available a -> log.info("{} is available again (was {} since {})", system,
                    before instanceof AvailabilityState.Unavailable u ? u.summary() : "available",
                    before instanceof AvailabilityState.Unavailable u ? u.since() : a.since());
            case AvailabilityState.Unavailable u when u.cause() == AvailabilityState.Cause.CONFIGURATION ->
                    log.error("{} refuses Tandem's credentials; its flows are paused until the configuration is "
                            + "fixed: {}", system, u.detail());
            case AvailabilityState.Unavailable u -> log.warn("{} is unavailable ({}); its flows are paused and it "
                    + "is probed until it answers", system, u.summary());
        }
    }
}
