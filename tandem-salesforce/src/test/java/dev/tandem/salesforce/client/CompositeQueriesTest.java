package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SalesforceRestClient#queries}: several SOQL queries, up to five per {@code POST /composite} (§2.9: "Up to 5
 * of these subrequests can be ... query operations"; the composite is one API call, §5), against the sandbox.
 */
class CompositeQueriesTest {

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
        client.query("SELECT Id FROM Account LIMIT 1"); // the token, before counting
    }

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
    }

    private void accounts(int count) {
        for (int from = 0; from < count; from += 200) {
            List<ObjectNode> records = new ArrayList<>();
            IntStream.range(from, Math.min(count, from + 200)).forEach(i -> {
                ObjectNode r = JsonNodeFactory.instance.objectNode();
                r.putObject("attributes").put("type", "Account");
                records.add(r.put("Name", "Account " + i));
            });
            assertThat(client.createRecords(records, true)).allSatisfy(r -> assertThat(r.success()).isTrue());
        }
    }

    @Test
    void sixQueriesCostTwoCallsAndEachResultHoldsItsOwnQuerysRecords() {
        accounts(6);
        long before = sandbox.apiRequestCount();

        List<List<ObjectNode>> results = client.queries(IntStream.range(0, 6)
                .mapToObj(i -> "SELECT Id, Name FROM Account WHERE Name = 'Account " + i + "'").toList());

        assertThat(sandbox.apiRequestCount() - before).as("one composite of five, one plain GET").isEqualTo(2);
        assertThat(results).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(results.get(i)).singleElement()
                    .satisfies(r -> assertThat(r.path("Name").asText()).startsWith("Account "));
            assertThat(results.get(i).getFirst().path("Name").asText()).isEqualTo("Account " + i);
        }
    }

    @Test
    void aResultThatIsNotDoneIsFollowedThroughItsNextRecordsUrl() {
        accounts(2_050);
        long before = sandbox.apiRequestCount();

        List<List<ObjectNode>> results = client.queries(List.of("SELECT Id FROM Account",
                "SELECT Id FROM Account WHERE Name = 'Account 7'"));

        assertThat(results.get(0)).hasSize(2_050);
        assertThat(results.get(0).stream().map(r -> r.path("Id").asText()).distinct()).hasSize(2_050);
        assertThat(results.get(1)).hasSize(1);
        assertThat(sandbox.apiRequestCount() - before).as("the composite and the second page").isEqualTo(2);
    }

    @Test
    void aRefusedQueryFailsTheCallWithSalesforcesErrorAsAPlainQueryWould() {
        assertThatThrownBy(() -> client.queries(List.of("SELECT Id FROM Account",
                "SELECT Id, No_Such_Field__c FROM Account")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void theQueryUriIsMeasuredAsSentUrlEncodedWithTheClientsVersion() {
        String soql = "SELECT Id FROM Contact WHERE Email IN ('o''brien@example.com', 'zoë@example.com')";

        assertThat(client.queryUriBytes(soql)).isEqualTo(("/services/data/v64.0/query?q="
                + PathSegments.encode(soql)).length());
        assertThat(client.queryUriBytes(soql)).isGreaterThan(soql.length() + 20);
    }

    @Test
    void noQueriesCostNoCall() {
        long before = sandbox.apiRequestCount();

        assertThat(client.queries(List.of())).isEmpty();

        assertThat(sandbox.apiRequestCount()).isEqualTo(before);
    }
}
