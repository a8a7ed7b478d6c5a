package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The Salesforce client's {@code availability()} against the sandbox: what opens it (an outage, a used-up daily
 * limit, a refused consumer secret), what does not (errors about a record, an expired session the client renews),
 * and its probe, {@code GET /limits}, closing it again.
 */
class AvailabilityContractTest {

    private static SalesforceSandbox sandbox;
    private SalesforceRestClient client;

    @BeforeAll
    static void startSandbox() {
        sandbox = SalesforceSandbox.builder().port(0).build().start();
    }

    @BeforeEach
    void newClient() {
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
    }

    @AfterEach
    void reset() {
        client.close();
        sandbox.faults().clear();
        sandbox.setAcceptedClientSecret(sandbox.clientSecret());
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private void query() {
        client.query("SELECT Id FROM Account");
    }

    private static AvailabilityState.Cause cause(AvailabilityState state) {
        assertThat(state).isInstanceOf(AvailabilityState.Unavailable.class);
        return ((AvailabilityState.Unavailable) state).cause();
    }

    @Test
    void consecutiveServerErrorsOpenItAsAnOutageAndTheProbeClosesItWhenSalesforceAnswers() {
        query();
        sandbox.faults().setServerErrorRate(1);
        catchThrowable(this::query);
        catchThrowable(this::query);
        assertThat(client.availability().state().available()).as("two failures are a blip").isTrue();
        catchThrowable(this::query);
        assertThat(cause(client.availability().state())).isEqualTo(AvailabilityState.Cause.OUTAGE);

        assertThat(cause(client.availability().probe())).isEqualTo(AvailabilityState.Cause.OUTAGE);
        sandbox.faults().clear();
        assertThat(client.availability().probe().available()).isTrue();
    }

    @Test
    void aUsedUpDailyLimitOpensItAtOnceAndTheProbeReadsLimitsUntilTheWindowFrees() {
        query();
        sandbox.faults().exhaustLimit();
        IntegrationException e = (IntegrationException) catchThrowable(this::query);
        assertThat(e.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(cause(client.availability().state())).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);
        assertThat(cause(client.availability().probe())).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);

        sandbox.faults().restoreLimit();
        long before = sandbox.apiRequestCount();
        assertThat(client.availability().probe().available()).isTrue();
        assertThat(sandbox.apiRequestCount() - before).as("the probe is one request").isEqualTo(1);
    }

    @Test
    void aRefusedConsumerSecretIsAConfigurationFaultUntilTheAppAcceptsItAgain() {
        sandbox.setAcceptedClientSecret("a-new-secret");
        AvailabilityState state = client.availability().probe();
        assertThat(cause(state)).isEqualTo(AvailabilityState.Cause.CONFIGURATION);
        assertThat(((AvailabilityState.Unavailable) state).detail()).contains("invalid_client")
                .doesNotContain(sandbox.clientSecret());

        sandbox.setAcceptedClientSecret(sandbox.clientSecret());
        assertThat(client.availability().probe().available()).isTrue();
    }

    @Test
    void errorsAboutARecordLeaveItAvailable() {
        for (int i = 0; i < 5; i++) {
            catchThrowable(() -> client.create("Account", JsonNodeFactory.instance.objectNode()));
        }
        assertThat(client.availability().state().available()).isTrue();
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndLeavesItAvailable() {
        query();
        sandbox.faults().revokeTokens();
        query();
        assertThat(client.availability().state().available()).isTrue();
    }
}
