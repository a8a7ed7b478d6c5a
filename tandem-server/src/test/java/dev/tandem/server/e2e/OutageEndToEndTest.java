package dev.tandem.server.e2e;

import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.core.runtime.PausedFlow;
import dev.tandem.sandbox.clarity.BadData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, the outage cases on the real stack: Salesforce down for longer than the whole retry budget, its daily
 * request limit used up for a while, and a wrong client secret at start. In each, the order flow pauses, nothing is
 * dead-lettered, Salesforce gets a probe at a time instead of a retry per order, and every order lands once the
 * sandbox answers again. Time-scaled: the stack's retry budget (50 ms doubling to 500 ms, 8 attempts) is about
 * 2.3 seconds; the outage lasts three times that.
 */
class OutageEndToEndTest {

    /** The retry budget of {@link TandemStack}'s config: 50+100+200+400+500+500+500 ms of waits, ±20 %. */
    private static final Duration RETRY_BUDGET = Duration.ofMillis(2250 * 12 / 10);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private void createOrders(int n) {
        for (int i = 0; i < n; i++) {
            stack.clarity.orders().createRandomOrder(BadData.NONE);
        }
    }

    private void awaitOrdersInSalesforce(int n) {
        await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(100)).until(() ->
                stack.tandem().stateStore().countIds("Order") == n && stack.tandem().runtime().idle());
        assertThat(stack.salesforce.records("Order")).hasSize(n);
    }

    private PausedFlow awaitPaused() {
        await().atMost(TIMEOUT).until(() -> !stack.tandem().pausedFlows().isEmpty());
        return stack.tandem().pausedFlows().getFirst();
    }

    @Test
    void aSalesforceOutageLongerThanTheRetryBudgetPausesTheFlowDeadLettersNothingAndEverythingLandsAfter() {
        stack = TandemStack.start(dir);
        createOrders(5);
        awaitOrdersInSalesforce(5);

        stack.salesforce.faults().setServerErrorRate(1);
        long requestsBefore = stack.salesforce.apiRequestCount();
        createOrders(30);
        PausedFlow paused = awaitPaused();
        assertThat(paused.system()).isEqualTo("salesforce");
        assertThat(paused.cause()).isEqualTo(AvailabilityState.Cause.OUTAGE);
        long requestsWhenPaused = stack.salesforce.apiRequestCount();

        // Three retry budgets of outage: the flow stays paused and nothing is dead-lettered.
        await().during(RETRY_BUDGET.multipliedBy(3)).atMost(RETRY_BUDGET.multipliedBy(4)).until(() ->
                stack.tandem().stateStore().deadLetterCount() == 0 && !stack.tandem().pausedFlows().isEmpty());
        long probes = stack.salesforce.apiRequestCount() - requestsWhenPaused;
        // Probes every 100 ms doubling to 1 s: about ten in seven seconds, one at a time, whatever the backlog.
        // Retrying each of the 30 orders through the budget would have cost hundreds of requests.
        assertThat(probes).as("requests while paused").isLessThanOrEqualTo(15);
        assertThat(requestsWhenPaused - requestsBefore).as("requests until the circuit opened").isLessThan(30);
        HttpResponse<String> health = stack.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("pausedFlows").contains("UNAVAILABLE: OUTAGE");

        stack.salesforce.faults().clear();
        awaitOrdersInSalesforce(35);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(stack.tandem().pausedFlows()).isEmpty();
    }

    @Test
    void aUsedUpDailyRequestLimitDeadLettersNothingAndTheOrdersLandWhenTheWindowFrees() {
        stack = TandemStack.start(dir);
        createOrders(3);
        awaitOrdersInSalesforce(3);

        stack.salesforce.faults().exhaustLimit();
        createOrders(10);
        assertThat(awaitPaused().cause()).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);
        await().during(RETRY_BUDGET.multipliedBy(2)).atMost(RETRY_BUDGET.multipliedBy(3)).until(() ->
                stack.tandem().stateStore().deadLetterCount() == 0 && !stack.tandem().pausedFlows().isEmpty());

        stack.salesforce.faults().restoreLimit();
        // No fixed 15-minute wait per attempt: the next probe of /limits resumes the flow.
        awaitOrdersInSalesforce(13);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aWrongClientSecretAtStartIsAConfigurationFaultThatPausesTheFlowUntilItIsFixed() {
        stack = TandemStack.start(dir);
        stack.stopTandem();
        stack.salesforce.setAcceptedClientSecret("rotated-in-setup"); // Tandem still has the old one
        stack.startTandem();

        assertThat(stack.tandem().configurationFaults()).containsKey("salesforce");
        assertThat(stack.tandem().configurationFaults().get("salesforce")).contains("invalid_client");
        createOrders(5);
        assertThat(awaitPaused().cause()).isEqualTo(AvailabilityState.Cause.CONFIGURATION);
        assertThat(stack.get("/health").body()).contains("UNAVAILABLE: CONFIGURATION");
        await().during(RETRY_BUDGET.multipliedBy(2)).atMost(RETRY_BUDGET.multipliedBy(3)).until(() ->
                stack.tandem().stateStore().deadLetterCount() == 0 && stack.salesforce.records("Order").isEmpty());

        stack.salesforce.setAcceptedClientSecret(stack.salesforce.clientSecret()); // the secret is fixed
        awaitOrdersInSalesforce(5);
        assertThat(stack.tandem().configurationFaults()).isEmpty();
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }
}
