package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 4 point 6: fault injection, session expiry, reset and dump, over the control API and in Java. */
class FaultsAndResetTest {

    private ClaritySandbox sandbox;
    private ClarityTestClient client;
    private ClarityTestClient control;

    @BeforeEach
    void start() {
        QuietLogging.install();
        // A clock that stands still, so that a reset gives byte-identical dates.
        sandbox = ClaritySandbox.builder().clock(new MutableClock(Instant.parse("2026-04-01T08:00:00Z")))
                .customers(3).products(4).orders(2).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
        control = new ClarityTestClient(sandbox.controlUrl());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void anErrorRateOfOneFailsEveryCefRouteWithTheConfiguredStatusButNotTheControlApi() {
        Reply set = control.post("/faults", "{\"errorRate\":1.0,\"errorStatus\":500,\"latencyMillis\":0}");
        assertThat(set.json().get("errorRate").asDouble()).isEqualTo(1.0);

        Reply failed = client.get("/Accounts/Accounts");
        assertThat(failed.status()).isEqualTo(500);
        assertThat(failed.json().at("/ResponseStatus/ErrorCode").asText()).isEqualTo("InternalServerError");
        assertThat(client.login(sandbox.user(), sandbox.password()).status()).isEqualTo(500);
        assertThat(control.get("/stats").status()).isEqualTo(200);

        sandbox.faults().errorStatus(503);
        assertThat(client.get("/Accounts/Accounts").status()).isEqualTo(503);
        sandbox.faults().clear();
        assertThat(client.get("/Accounts/Accounts").status()).isEqualTo(200);
    }

    @Test
    void aConfiguredLatencyIsReportedAndRequestsStillSucceed() {
        assertThat(control.post("/faults", "{\"latencyMillis\":20}").json().get("latencyMillis").asLong())
                .isEqualTo(20);
        assertThat(sandbox.faults().latency()).isEqualTo(Duration.ofMillis(20));
        assertThat(client.get("/Accounts/Accounts").status()).isEqualTo(200);
    }

    @Test
    void badFaultSettingsAreRefusedAndChangeNothing() {
        assertThat(control.post("/faults", "{\"errorRate\":0.5,\"errorStatus\":418}").status()).isEqualTo(400);
        assertThat(control.post("/faults", "{\"errorRate\":2}").status()).isEqualTo(400);
        assertThat(control.post("/faults", "{\"latencyMillis\":-1}").status()).isEqualTo(400);
        assertThat(control.post("/faults", "{nope").status()).isEqualTo(400);
        assertThat(sandbox.faults().errorRate()).isZero();
        assertThatThrownBy(() -> ClaritySandbox.builder().errorRate(1.5).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expiringSessionsMakesTheNextRequest401UntilTheClientLogsInAgain() {
        assertThat(control.post("/sessions/expire", "").json().get("expired").asInt()).isEqualTo(1);

        Reply expired = client.get("/Accounts/Accounts");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("StatusCode").asInt()).isEqualTo(401);
        client.loginWithPid(sandbox.user(), sandbox.password());
        assertThat(client.get("/Accounts/Accounts").status()).isEqualTo(200);
    }

    @Test
    void resetPutsTheSeededDataBackAndDumpShowsIt() {
        String initial = sandbox.dump();
        client.post("/Accounts/Account/Create", "{\"CustomKey\":\"CUST-NEW\",\"Name\":\"New\"}");
        sandbox.orders().createRandomOrder();
        sandbox.customers().updateRandomCustomer();
        assertThat(sandbox.dump()).isNotEqualTo(initial);

        Reply reset = control.post("/reset", "");

        assertThat(reset.status()).isEqualTo(200);
        assertThat(sandbox.dump()).isEqualTo(initial);
        assertThat(client.get("/Accounts/Accounts").status()).isEqualTo(401);
    }

    @Test
    void dumpHoldsEveryEntityInTheWireFormat() {
        JsonNode dump = control.get("/dump").json();

        assertThat(dump.fieldNames()).toIterable().contains("Accounts", "AccountContacts", "Contacts", "Users",
                "Brands", "Stores", "InventoryLocations", "InventoryLocationSections", "Products",
                "ProductInventoryLocationSections", "SalesOrderStatuses", "SalesOrders", "SalesOrderItems",
                "SalesOrderEvents", "Prices");
        assertThat(dump.get("SalesOrders")).hasSize(2);
        assertThat(dump.at("/Products/0/ID").asInt()).isEqualTo(301);
        assertThat(dump.at("/Prices/0/BasePrice").isNumber()).isTrue();
    }
}
