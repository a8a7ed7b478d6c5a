package dev.tandem.clarity.client;

import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.testing.FakeClarity;
import dev.tandem.clarity.testing.FakeHttpServer.Response;
import dev.tandem.core.error.IntegrationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.clarity.testing.FakeClarity.BASE_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClarityResilienceTest {

    private static final String PATH = BASE_PATH + "/Ordering/SalesOrder/ID/5001";
    private final FakeClarity clarity = new FakeClarity();
    private final HttpClient http = ClarityRestClient.newHttpClient(clarity.config());

    @AfterEach
    void close() {
        http.close();
        clarity.close();
    }

    private ClarityRestClient client(ClarityResilience resilience) {
        return new ClarityRestClient(clarity.config(), new ClaritySession(clarity.config(), http), http, resilience);
    }

    @Test
    void aTransientServerErrorIsRetriedInsideTheClient() {
        AtomicInteger calls = new AtomicInteger();
        clarity.http().on("GET", PATH, clarity.authenticated(r -> calls.incrementAndGet() < 3
                ? new Response(503, "busy", List.of()) : Response.json(200, "{\"ID\":5001}")));
        ClarityRestClient client = client(new ClarityResilience(3, Duration.ofMillis(1), Duration.ofMillis(4), 10,
                50f, Duration.ofMinutes(1)));

        assertThat(client.fetch("SalesOrder", "5001")).isPresent();
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void aPermanentRefusalIsNotRetried() {
        clarity.http().on("GET", PATH, clarity.authenticated(r -> Response.json(403,
                "{\"StatusCode\":403,\"StatusDescription\":\"Forbidden\",\"Message\":\"no\"}")));
        ClarityRestClient client = client(new ClarityResilience(3, Duration.ofMillis(1), Duration.ofMillis(4), 10,
                50f, Duration.ofMinutes(1)));

        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001")).isInstanceOf(IntegrationException.class);
        assertThat(clarity.http().requests("GET", PATH)).hasSize(1);
    }

    @Test
    void aFailingClarityOpensTheCircuitAndLaterCallsFailFastWithoutACall() {
        clarity.http().on("GET", PATH, clarity.authenticated(r -> new Response(500, "down", List.of())));
        ClarityRestClient client = client(new ClarityResilience(1, Duration.ZERO, Duration.ZERO, 2, 50f,
                Duration.ofMinutes(5)));
        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001")).isInstanceOf(IntegrationException.class);
        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001")).isInstanceOf(IntegrationException.class);
        int callsBefore = clarity.http().requests("GET", PATH).size();

        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ClarityRestClient.CIRCUIT_OPEN);
                    assertThat(e.retryable()).isTrue();
                });
        assertThat(clarity.http().requests("GET", PATH)).hasSize(callsBefore);
        assertThat(client.circuitState()).isEqualTo("OPEN");
    }

    @Test
    void aListAnswerThatIsNoPagedResultsIsRejectedClearly() {
        clarity.http().on("GET", BASE_PATH + "/Ordering/SalesOrders", clarity.authenticated(r ->
                Response.json(200, "[1,2,3]")));
        ClarityRestClient client = client(ClarityResilience.DEFAULTS);

        assertThatThrownBy(() -> client.page(dev.tandem.clarity.model.ClarityEntity.SALES_ORDER, ListQuery.all()))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void listQueryRejectsNamesThatCouldBreakTheQuerySyntax() {
        assertThatThrownBy(() -> ListQuery.all().sortedBy("ID},{field:x", true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListQuery.all().with("a&b", "1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ListQuery.all().paged(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
