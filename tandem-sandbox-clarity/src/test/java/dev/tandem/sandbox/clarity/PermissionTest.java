package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Spec §4: per-user permissions; a read-only login reads everything and writes nothing. */
class PermissionTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient viewer;
    private static ClarityTestClient integration;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(2).products(3).orders(1)
                .readOnlyUser("viewer", "viewer-password").build().start();
        viewer = new ClarityTestClient(sandbox.baseUrl()).loginWithPid("viewer", "viewer-password");
        integration = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void aReadOnlyUserReadsListsForConnectDigestsAndExists() {
        assertThat(viewer.get("/Accounts/Accounts").status()).isEqualTo(200);
        assertThat(viewer.get("/Accounts/AccountsForConnect").status()).isEqualTo(200);
        assertThat(viewer.get("/Products/ProductsDigest").status()).isEqualTo(200);
        assertThat(viewer.get("/Ordering/SalesOrder/Exists/ID/5001").body()).isEqualTo("5001");
        assertThat(viewer.get("/Contacts/CurrentUser").json().get("UserName").asText()).isEqualTo("viewer");
    }

    @Test
    void aReadOnlyUserGets403WithTheDocumentedBodyOnEveryWrite() {
        Reply create = viewer.post("/Accounts/Account/Create", "{\"Name\":\"Nope\"}");
        assertThat(create.status()).isEqualTo(403);
        assertThat(create.json().get("StatusCode").asInt()).isEqualTo(403);
        assertThat(create.json().get("StatusDescription").asText()).isEqualTo("Forbidden");
        assertThat(create.json().get("Message").asText()).contains("Invalid Permission", "Accounts.Account.Create");

        assertThat(viewer.post("/Accounts/Account/Upsert", "{\"CustomKey\":\"CUST-00001\",\"Name\":\"X\"}").json()
                .get("Message").asText()).contains("Accounts.Account.Update");
        assertThat(viewer.post("/Accounts/Account/Upsert", "{\"CustomKey\":\"NEW\",\"Name\":\"X\"}").json()
                .get("Message").asText()).contains("Accounts.Account.Create");
        assertThat(viewer.put("/Products/Product/Update", "{\"ID\":301,\"Name\":\"X\"}").status()).isEqualTo(403);
        assertThat(viewer.patch("/Contacts/User/Deactivate/ID/2001").status()).isEqualTo(403);
        assertThat(viewer.delete("/Brands/Brand/Delete/ID/1").status()).isEqualTo(403);
        assertThat(viewer.patch("/Ordering/SalesOrder/Confirm/5001").json().get("Message").asText())
                .contains("Ordering.SalesOrder.Confirm");
        assertThat(viewer.patch("/Providers/Inventory/UpdateInventoryForProduct", "{\"ID\":301,\"Quantity\":1}")
                .status()).isEqualTo(403);
        assertThat(integration.get("/Accounts/Account/Key/CUST-00001").json().get("Name").asText()).isNotEqualTo("X");
        assertThat(integration.get("/Ordering/SalesOrder/ID/5001").json().get("StatusKey").asText())
                .isEqualTo("Pending");
    }

    @Test
    void theReadOnlyUserWithBasicAuthIsStillReadOnly() {
        ClarityTestClient basic = new ClarityTestClient(sandbox.baseUrl()).withBasic("viewer", "viewer-password");

        assertThat(basic.get("/Accounts/Accounts").status()).isEqualTo(200);
        assertThat(basic.post("/Brands/Brand/Create", "{\"Name\":\"B\"}").status()).isEqualTo(403);
        assertThat(new ClarityTestClient(sandbox.baseUrl()).withBasic("viewer", "wrong").get("/Accounts/Accounts")
                .status()).isEqualTo(401);
    }

    @Test
    void theIntegrationUserHoldsEveryPermission() {
        assertThat(integration.post("/Brands/Brand/Create", "{\"CustomKey\":\"BRAND-OK\",\"Name\":\"Ok\"}").json()
                .get("ActionSucceeded").asBoolean()).isTrue();
    }
}
