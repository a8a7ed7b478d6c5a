package dev.tandem.core.connector;

import dev.tandem.core.error.IntegrationException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** What opens and closes a system's availability, from the failures its client reports and from its probe. */
class AvailabilityTrackerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);
    private final AtomicReference<RuntimeException> probeAnswer = new AtomicReference<>();
    private final AvailabilityTracker tracker = new AvailabilityTracker("salesforce", CLOCK, 3, () -> {
        RuntimeException e = probeAnswer.get();
        if (e != null) {
            throw e;
        }
    });

    private static IntegrationException failure(String code, int status) {
        return new IntegrationException("salesforce", code, code + " happened", status, true, List.of(), null, null);
    }

    private AvailabilityState.Cause cause() {
        assertThat(tracker.state()).isInstanceOf(AvailabilityState.Unavailable.class);
        return ((AvailabilityState.Unavailable) tracker.state()).cause();
    }

    @Test
    void connectionFailuresOpenItOnlyWhenTheyFollowEachOther() {
        tracker.failed(failure("SERVER_UNAVAILABLE", 503));
        tracker.failed(failure("TIMEOUT", 0));
        tracker.succeeded();
        tracker.failed(failure("IO_ERROR", 0));
        tracker.failed(failure("HTTP_502", 502));
        assertThat(tracker.state().available()).isTrue();

        tracker.failed(failure("HTTP_500", 500));
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.OUTAGE);
        assertThat(((AvailabilityState.Unavailable) tracker.state()).detail()).contains("HTTP_500");
    }

    @Test
    void aRequestLimitOpensItAtOnce() {
        tracker.failed(failure("REQUEST_LIMIT_EXCEEDED", 403));
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);
    }

    @Test
    void refusedCredentialsAreAConfigurationFaultWhateverTheCaseOfTheCode() {
        tracker.failed(failure("invalid_client", 400));
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.CONFIGURATION);

        AvailabilityTracker other = new AvailabilityTracker("clarity", CLOCK, 3, () -> { });
        other.failed(failure("CLARITY_LOGIN_FAILED", 401));
        assertThat(other.state().available()).isFalse();
    }

    @Test
    void errorsAboutARecordAndTandemStoppingLeaveItAvailable() {
        for (int i = 0; i < 10; i++) {
            tracker.failed(failure("REQUIRED_FIELD_MISSING", 400));
            tracker.failed(failure("INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY", 400));
            tracker.failed(failure("INTERRUPTED", 0));
        }
        assertThat(tracker.state().available()).isTrue();
    }

    @Test
    void anErrorAboutARecordBreaksARunOfConnectionFailures() {
        tracker.failed(failure("TIMEOUT", 0));
        tracker.failed(failure("TIMEOUT", 0));
        tracker.failed(failure("REQUIRED_FIELD_MISSING", 400));
        tracker.failed(failure("TIMEOUT", 0));
        assertThat(tracker.state().available()).isTrue();
    }

    @Test
    void theProbeKeepsItOpenWhileTheSystemFailsAndClosesItWhenItAnswers() {
        tracker.failed(failure("REQUEST_LIMIT_EXCEEDED", 403));
        Instant since = tracker.state() instanceof AvailabilityState.Unavailable u ? u.since() : null;
        probeAnswer.set(failure("REQUEST_LIMIT_EXCEEDED", 403));
        assertThat(tracker.probe().available()).isFalse();
        assertThat(((AvailabilityState.Unavailable) tracker.state()).since()).as("the same trouble keeps its start")
                .isEqualTo(since);

        probeAnswer.set(null);
        assertThat(tracker.probe().available()).isTrue();
        assertThat(tracker.state().available()).isTrue();
    }

    @Test
    void oneFailedProbeIsEnoughToOpenIt() {
        probeAnswer.set(failure("IO_ERROR", 0));
        assertThat(tracker.probe().available()).isFalse();
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.OUTAGE);
    }

    @Test
    void aProbeThatThrowsSomethingElseIsAnOutageAndDoesNotEscape() {
        probeAnswer.set(new IllegalStateException("unexpected answer"));
        assertThat(tracker.probe().available()).isFalse();
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.OUTAGE);
    }

    @Test
    void aProbeAnsweredWithAnErrorAboutARecordMeansTheSystemIsUp() {
        tracker.failed(failure("SERVER_UNAVAILABLE", 503));
        tracker.failed(failure("SERVER_UNAVAILABLE", 503));
        tracker.failed(failure("SERVER_UNAVAILABLE", 503));
        probeAnswer.set(failure("NOT_FOUND", 404));
        assertThat(tracker.probe().available()).isTrue();
    }

    @Test
    void anAnswerToARealCallClosesItToo() {
        tracker.failed(failure("invalid_grant", 400));
        tracker.succeeded();
        assertThat(tracker.state().available()).isTrue();
    }

    @Test
    void aProbeInterruptedBecauseTandemStopsLeavesTheStateAsItWas() {
        tracker.failed(failure("REQUEST_LIMIT_EXCEEDED", 403));
        probeAnswer.set(failure("INTERRUPTED", 0));
        assertThat(tracker.probe().available()).isFalse();
        assertThat(cause()).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);
    }
}
