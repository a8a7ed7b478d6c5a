package dev.tandem.clarity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real connector against the Clarity sandbox: the sandbox was written from the same spec by someone else, so a
 * disagreement here is a disagreement about the wire (clarity-api.md §2, §4, §5).
 */
class ClaritySandboxContractTest {

    private static final String USER = "tandem-contract";
    private static final String PASSWORD = "contract-Pa55!";
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(20);

    /** A clock the test moves forward, to let sessions expire without waiting. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T12:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(i -> i.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    private static final MovableClock CLOCK = new MovableClock();
    private static ClaritySandbox sandbox;
    private static ClarityRestClient client;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(7)
                .customers(5).products(5).sessionIdleTimeout(IDLE_TIMEOUT).clock(CLOCK).build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode order(SalesOrderRef ref) {
        return client.fetch("SalesOrder", Integer.toString(ref.id())).orElseThrow();
    }

    @Test
    void fetchesANewOrderById() {
        SalesOrderRef ref = sandbox.orders().createRandomOrder();

        ObjectNode order = order(ref);

        assertThat(order.path("ID").asInt()).isEqualTo(ref.id());
        assertThat(order.path("CustomKey").asText()).isEqualTo(ref.customKey());
        assertThat(order.path("SalesItems").isArray()).isTrue();
        assertThat(order.path("SalesItems")).isNotEmpty();
    }

    @Test
    void fetchesAnOrderByItsCustomKey() {
        SalesOrderRef ref = sandbox.orders().createRandomOrder();

        assertThat(client.fetchByKey("SalesOrder", ref.customKey()))
                .map(o -> o.path("ID").asInt()).contains(ref.id());
    }

    @Test
    void fetchesTheAccountUserContactAndProductsAnOrderPointsAt() {
        ObjectNode order = order(sandbox.orders().createRandomOrder());

        int accountId = order.path("AccountID").asInt();
        assertThat(client.fetch("Account", Integer.toString(accountId)))
                .map(a -> a.path("ID").asInt()).contains(accountId);

        int userId = order.path("UserID").asInt();
        ObjectNode user = client.fetch("User", Integer.toString(userId)).orElseThrow();
        assertThat(user.path("ID").asInt()).isEqualTo(userId);

        int contactId = order.path("BillingContactID").asInt();
        assertThat(client.fetch("Contact", Integer.toString(contactId)))
                .map(c -> c.path("ID").asInt()).contains(contactId);

        int productId = order.path("SalesItems").get(0).path("ProductID").asInt();
        assertThat(client.fetch("Product", Integer.toString(productId)))
                .map(p -> p.path("ID").asInt()).contains(productId);
    }

    @Test
    void aRecordThatDoesNotExistIsEmpty() {
        assertThat(client.fetch("SalesOrder", "999999999")).isEmpty();
        assertThat(client.fetchByKey("Product", "NO-SUCH-PRODUCT")).isEmpty();
    }

    @Test
    void anExpiredSessionIsRenewedTransparently() {
        SalesOrderRef ref = sandbox.orders().createRandomOrder();
        order(ref);
        CLOCK.advance(IDLE_TIMEOUT.plusMinutes(1));

        assertThat(order(ref).path("ID").asInt()).isEqualTo(ref.id());
    }

    @Test
    void aWrongPasswordFailsClearlyAndPermanently() {
        try (ClarityRestClient wrong = ClarityRestClient.create(
                ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, "not-" + PASSWORD))) {
            assertThatThrownBy(() -> wrong.fetch("SalesOrder", "1"))
                    .isInstanceOfSatisfying(IntegrationException.class, e -> {
                        assertThat(e.system()).isEqualTo("clarity");
                        assertThat(e.errorCode()).isEqualTo("CLARITY_LOGIN_FAILED");
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.getMessage()).contains(USER).doesNotContain(PASSWORD);
                    });
        }
    }
}
