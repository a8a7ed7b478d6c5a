package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec §4 and §9: identity login, ServiceStack session cookies/headers, Basic auth, logout, expiry. */
class AuthenticationTest {

    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-01-15T09:00:00Z"));
    private static ClaritySandbox sandbox;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().user("integration").password("s3cret!").customers(3).products(3)
                .sessionIdleTimeout(Duration.ofMinutes(20)).clock(CLOCK).build().start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static ClarityTestClient client() {
        return new ClarityTestClient(sandbox.baseUrl());
    }

    @Test
    void loginAnswersAuthenticateResponseAndSetsServiceStackSessionCookies() {
        Reply reply = client().login("integration", "s3cret!");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("UserId").asText()).isEqualTo("1");
        assertThat(reply.json().get("UserName").asText()).isEqualTo("integration");
        assertThat(reply.json().get("SessionId").asText()).isNotBlank();
        assertThat(reply.json().has("DisplayName")).isTrue();
        assertThat(reply.headers("Set-Cookie")).anyMatch(c -> c.startsWith("ss-id="))
                .anyMatch(c -> c.startsWith("ss-pid=")).anyMatch(c -> c.startsWith("ss-opt=perm"));
    }

    @Test
    void sessionCookiesAuthenticateDataRoutes() {
        Reply login = client().login("integration", "s3cret!");
        String cookies = "ss-id=" + ClarityTestClient.cookie(login, "ss-id") + "; ss-pid="
                + ClarityTestClient.cookie(login, "ss-pid") + "; ss-opt=perm";

        Reply reply = client().withHeader("Cookie", cookies).get("/Accounts/Account/ID/1001");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ID").asInt()).isEqualTo(1001);
    }

    @Test
    void permanentSessionIdInXssPidHeaderAuthenticatesDataRoutes() {
        Reply reply = client().loginWithPid("integration", "s3cret!").get("/Contacts/CurrentUser");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("UserName").asText()).isEqualTo("integration");
    }

    @Test
    void basicAuthorizationHeaderAuthenticatesWithoutLogin() {
        Reply reply = client().withBasic("integration", "s3cret!").get("/Products/Products");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("TotalCount").asInt()).isEqualTo(3);
    }

    @Test
    void wrongPasswordIsRejectedWithServiceStackResponseStatus() {
        Reply reply = client().login("integration", "wrong");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().at("/ResponseStatus/ErrorCode").asText()).isEqualTo("Unauthorized");
        assertThat(reply.json().at("/ResponseStatus/Message").asText()).isEqualTo("Invalid UserName or Password");
        assertThat(reply.headers("Set-Cookie")).isEmpty();
    }

    @Test
    void requestWithoutSessionGets401HttpErrorBody() {
        Reply reply = client().get("/Ordering/SalesOrders");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("StatusCode").asInt()).isEqualTo(401);
        assertThat(reply.json().get("StatusDescription").asText()).isEqualTo("Unauthorized");
        assertThat(reply.json().get("Message").asText()).isNotBlank();
    }

    @Test
    void unknownSessionIdGets401() {
        Reply reply = client().withHeader("X-ss-pid", "not-a-session").withHeader("X-ss-opt", "perm")
                .get("/Accounts/Accounts");

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("StatusCode").asInt()).isEqualTo(401);
    }

    @Test
    void wrongBasicCredentialsGet401() {
        assertThat(client().withBasic("integration", "nope").get("/Accounts/Accounts").status()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSession() {
        ClarityTestClient client = client().loginWithPid("integration", "s3cret!");
        assertThat(client.get("/Contacts/CurrentUser").status()).isEqualTo(200);

        assertThat(client.post("/auth/logout", "{}").status()).isEqualTo(200);

        assertThat(client.get("/Contacts/CurrentUser").status()).isEqualTo(401);
    }

    @Test
    void sessionExpiresAfterTheIdleTimeoutButUseKeepsItAlive() {
        ClarityTestClient client = client().loginWithPid("integration", "s3cret!");
        CLOCK.advance(Duration.ofMinutes(15));
        assertThat(client.get("/Contacts/CurrentUser").status()).isEqualTo(200);
        CLOCK.advance(Duration.ofMinutes(15));
        assertThat(client.get("/Contacts/CurrentUser").status()).isEqualTo(200);

        CLOCK.advance(Duration.ofMinutes(21));

        Reply reply = client.get("/Contacts/CurrentUser");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("StatusDescription").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void currentUserIsTheIntegrationUserWithoutSecrets() {
        Reply reply = client().loginWithPid("integration", "s3cret!").get("/Contacts/CurrentUser");

        assertThat(reply.json().get("ID").asInt()).isEqualTo(1);
        assertThat(reply.json().has("PasswordHash")).isFalse();
        assertThat(reply.json().has("SecurityStamp")).isFalse();
    }

    @Test
    void webhookManagementRoutesNeedASession() {
        assertThat(client().get("/Webhooks/Subscriptions").status()).isEqualTo(401);
        assertThat(client().get("/Webhooks/Deliveries").status()).isEqualTo(401);
        assertThat(client().post("/Webhooks/Subscriptions", "{}").status()).isEqualTo(401);
    }
}
