package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.testing.FakeClarity;
import dev.tandem.clarity.testing.FakeHttpServer;
import dev.tandem.clarity.testing.FakeHttpServer.Response;
import dev.tandem.core.error.IntegrationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.tandem.clarity.testing.FakeClarity.BASE_PATH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClarityRestClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORDER = """
            {"ID":5001,"CustomKey":"SO-5001","Active":true,"StatusKey":"Confirmed","AccountID":1001,
             "Totals":{"SubTotal":200.00,"Total":226.50},
             "SalesItems":[{"ID":7001,"MasterID":5001,"Sku":"WID-1","Quantity":2,"UnitSoldPrice":100.00}]}""";

    private final FakeClarity clarity = new FakeClarity();
    private final FakeHttpServer http = clarity.http();
    private final ClarityRestClient client = clarity.client();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        client.close();
        clarity.close();
    }

    @Test
    void logsInWithUsernamePasswordAndRememberMe() throws Exception {
        clarity.record("/Ordering/SalesOrder/ID/5001", ORDER);

        client.fetch("SalesOrder", "5001");

        FakeHttpServer.Request login = http.requests("POST", FakeClarity.LOGIN_PATH).getFirst();
        assertThat(login.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(login.body());
        assertThat(body.path("Username").asText()).isEqualTo(FakeClarity.USER);
        assertThat(body.path("Password").asText()).isEqualTo(FakeClarity.PASSWORD);
        assertThat(body.path("RememberMe").asBoolean()).isTrue();
    }

    @Test
    void sendsTheSessionAsXssPidWithThePermOption() {
        clarity.record("/Ordering/SalesOrder/ID/5001", ORDER);

        client.fetch("SalesOrder", "5001");

        FakeHttpServer.Request get = http.requests("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001").getFirst();
        assertThat(get.header("X-ss-pid")).isEqualTo("pid-1");
        assertThat(get.header("X-ss-opt")).isEqualTo("perm");
        assertThat(get.header("Accept")).isEqualTo("application/json");
    }

    @Test
    void fetchReturnsTheRecordAsCefSerialisesIt() {
        clarity.record("/Ordering/SalesOrder/ID/5001", ORDER);

        ObjectNode order = client.fetch("SalesOrder", "5001").orElseThrow();

        assertThat(order.path("CustomKey").asText()).isEqualTo("SO-5001");
        assertThat(order.path("SalesItems").get(0).path("Sku").asText()).isEqualTo("WID-1");
    }

    @Test
    void oneLoginServesManyCalls() {
        clarity.record("/Ordering/SalesOrder/ID/5001", ORDER);

        client.fetch("SalesOrder", "5001");
        client.fetch("SalesOrder", "5001");

        assertThat(clarity.logins()).isEqualTo(1);
    }

    @Test
    void anExpiredSessionLogsInAgainOnceAndReplaysTheCall() {
        clarity.record("/Ordering/SalesOrder/ID/5001", ORDER);
        client.fetch("SalesOrder", "5001");
        clarity.expireSessions();

        Optional<ObjectNode> order = client.fetch("SalesOrder", "5001");

        assertThat(order).isPresent();
        assertThat(clarity.logins()).isEqualTo(2);
        assertThat(http.requests("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001"))
                .extracting(r -> r.header("X-ss-pid")).containsExactly("pid-1", "pid-1", "pid-2");
    }

    @Test
    void aSecondUnauthorizedAnswerIsRetryableAfterOneNewLogin() {
        http.on("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001", r -> Response.json(401,
                "{\"StatusCode\":401,\"StatusDescription\":\"Unauthorized\",\"Message\":\"You must be logged in\"}"));

        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.system()).isEqualTo("clarity");
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).contains("You must be logged in").doesNotContain("pid-");
                });
        assertThat(clarity.logins()).isEqualTo(2);
    }

    @Test
    void wrongCredentialsArePermanentWithCefsMessage() {
        ClarityRestClient wrong = clarity.client(ClarityConfig.of(clarity.baseUrl(), FakeClarity.USER, "not-the-password"));

        assertThatThrownBy(() -> wrong.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("CLARITY_LOGIN_FAILED");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.getMessage()).contains("Invalid UserName or Password").doesNotContain("not-the-password");
                });
        wrong.close();
    }

    @Test
    void aMissingRecordIsEmpty() {
        http.on("GET", BASE_PATH + "/Ordering/SalesOrder/ID/404404", clarity.authenticated(r -> Response.json(404,
                "{\"ResponseStatus\":{\"ErrorCode\":\"NotFound\",\"Message\":\"SalesOrder 404404 not found\"}}")));

        assertThat(client.fetch("SalesOrder", "404404")).isEmpty();
    }

    @Test
    void serviceUnavailableIsRetryable() {
        http.on("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001",
                clarity.authenticated(r -> new Response(503, "<html>Service Unavailable</html>", java.util.List.of())));

        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.system()).isEqualTo("clarity");
                    assertThat(e.errorCode()).isEqualTo("HTTP_503");
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void aServerErrorCarriesCefsCodeAndMessage() {
        http.on("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001", clarity.authenticated(r -> Response.json(500,
                "{\"ResponseStatus\":{\"ErrorCode\":\"SqlException\",\"Message\":\"Log ID: CEF: 9b1c | Timeout expired\",\"Errors\":[]}}")));

        assertThatThrownBy(() -> client.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("SqlException");
                    assertThat(e.getMessage()).contains("Log ID: CEF: 9b1c | Timeout expired");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void aForbiddenCallIsPermanentWithCefsMessage() {
        http.on("GET", BASE_PATH + "/Accounts/Account/ID/1001", clarity.authenticated(r -> Response.json(403,
                "{\"StatusCode\":403,\"StatusDescription\":\"Forbidden\",\"Message\":\"Missing permission Accounts.Account.View\"}")));

        assertThatThrownBy(() -> client.fetch("Account", "1001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("Forbidden");
                    assertThat(e.getMessage()).contains("Missing permission Accounts.Account.View");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void aSlowAnswerIsARetryableTimeout() {
        http.on("GET", BASE_PATH + "/Ordering/SalesOrder/ID/5001", r -> {
            release.await(10, TimeUnit.SECONDS);
            return Response.json(200, ORDER);
        });
        ClarityRestClient impatient = clarity.client(clarity.config().withRequestTimeout(Duration.ofMillis(300)));

        assertThatThrownBy(() -> impatient.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("TIMEOUT");
                    assertThat(e.retryable()).isTrue();
                });
        impatient.close();
    }

    @Test
    void anUnreachableServerIsRetryable() {
        URI gone;
        try (FakeHttpServer closed = new FakeHttpServer()) {
            gone = URI.create(closed.baseUrl() + BASE_PATH);
        }
        ClarityRestClient unreachable = clarity.client(ClarityConfig.of(gone, FakeClarity.USER, FakeClarity.PASSWORD));

        assertThatThrownBy(() -> unreachable.fetch("SalesOrder", "5001"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("IO_ERROR");
                    assertThat(e.retryable()).isTrue();
                });
        unreachable.close();
    }

    @ParameterizedTest
    @CsvSource({
            "SalesOrder, /Ordering/SalesOrder/ID/7",
            "Account,    /Accounts/Account/ID/7",
            "Contact,    /Contacts/Contact/ID/7",
            "User,       /Contacts/User/ID/7",
            "Product,    /Products/Product/ID/7"})
    void eachEntityIsReadFromItsModule(String entity, String path) {
        clarity.record(path, "{\"ID\":7}");

        assertThat(client.fetch(entity, "7")).map(r -> r.path("ID").asInt()).contains(7);
    }

    @Test
    void anUnknownEntityIsRejected() {
        assertThatThrownBy(() -> client.fetch("Invoice", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invoice");
    }

    @Test
    void aNonNumericIdIsRejectedBeforeAnyCall() {
        assertThatThrownBy(() -> client.fetch("SalesOrder", "../Account/1")).isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void fetchByKeyUrlEncodesTheKey() {
        clarity.record("/Ordering/SalesOrder/Key/SO%205001%2FA%26B", ORDER);

        assertThat(client.fetchByKey("SalesOrder", "SO 5001/A&B")).isPresent();
    }

    @Test
    void withoutAPermanentSessionTheTemporaryOneIsSent() {
        http.on("POST", FakeClarity.LOGIN_PATH, r -> Response.json(200, "{\"UserId\":\"42\",\"SessionId\":\"only-id\"}"));
        http.on("GET", BASE_PATH + "/Products/Product/ID/301", r -> "only-id".equals(r.header("X-ss-id"))
                ? Response.json(200, "{\"ID\":301}") : Response.json(401, "{}"));

        assertThat(client.fetch("Product", "301")).isPresent();
    }
}
