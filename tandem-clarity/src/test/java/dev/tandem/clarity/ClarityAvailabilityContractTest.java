package dev.tandem.clarity;

import dev.tandem.clarity.client.ClarityResilience;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The Clarity client's {@code availability()} against the sandbox: outages open it, a refused login is a config fault. */
class ClarityAvailabilityContractTest {

    private static final String USER = "tandem-availability";
    private static final String PASSWORD = "availability-Pa55!";
    /** One attempt per call, and a breaker that does not open before the availability tracker does. */
    private static final ClarityResilience ONE_ATTEMPT = new ClarityResilience(1, Duration.ofMillis(1),
            Duration.ofMillis(1), 50, 50f, Duration.ofSeconds(30));
    private static ClaritySandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(3).customers(1).products(1)
                .build().start();
    }

    @AfterEach
    void clear() {
        sandbox.faults().clear();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static ClarityRestClient client(String password) {
        return ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, password), ONE_ATTEMPT);
    }

    private static AvailabilityState.Cause cause(AvailabilityState state) {
        assertThat(state).isInstanceOf(AvailabilityState.Unavailable.class);
        return ((AvailabilityState.Unavailable) state).cause();
    }

    @Test
    void serverErrorsInARowAreAnOutageAndTheProbeClosesItWhenClarityAnswers() {
        try (ClarityRestClient client = client(PASSWORD)) {
            assertThat(client.availability().probe().available()).isTrue();
            sandbox.faults().errorRate(1).errorStatus(503);
            for (int i = 0; i < 3; i++) {
                catchThrowable(() -> client.fetch("SalesOrder", "1"));
            }
            assertThat(cause(client.availability().state())).isEqualTo(AvailabilityState.Cause.OUTAGE);

            sandbox.faults().clear();
            assertThat(client.availability().probe().available()).isTrue();
        }
    }

    @Test
    void aRefusedLoginIsAConfigurationFault() {
        try (ClarityRestClient client = client("wrong-password")) {
            AvailabilityState state = client.availability().probe();
            assertThat(cause(state)).isEqualTo(AvailabilityState.Cause.CONFIGURATION);
            assertThat(((AvailabilityState.Unavailable) state).detail()).contains("CLARITY_LOGIN_FAILED")
                    .doesNotContain("wrong-password");
        }
    }

    @Test
    void aMissingRecordLeavesItAvailable() {
        try (ClarityRestClient client = client(PASSWORD)) {
            for (int i = 0; i < 5; i++) {
                assertThat(client.fetch("SalesOrder", "999999")).isEmpty();
            }
            assertThat(client.availability().state().available()).isTrue();
        }
    }
}
