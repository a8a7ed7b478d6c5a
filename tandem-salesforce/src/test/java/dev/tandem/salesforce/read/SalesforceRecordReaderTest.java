package dev.tandem.salesforce.read;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Salesforce as a flow's source against the sandbox: a batch of records read by id with their fields. */
class SalesforceRecordReaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
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
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void aBatchOfContactsIsReadByIdWithTheirFieldsAndUnknownIdsAreAbsent() {
        String a = client.create("Contact", JSON.createObjectNode()
                .put("LastName", "Doe").put("Phone", "+1 512 555 0100").put("Clarity_Contact_Key__c", "CON-1"));
        String b = client.create("Contact", JSON.createObjectNode().put("LastName", "Roe").put("Email", "roe@example.test"));
        String unknown = a.substring(0, 3) + "0".repeat(12) + "ZZZ";

        Map<String, ObjectNode> found = new SalesforceRecordReader(client).fetchAll("Contact", List.of(a, b, unknown, a));

        assertThat(found).containsOnlyKeys(a, b);
        assertThat(found.get(a).path("Phone").asText()).isEqualTo("+1 512 555 0100");
        assertThat(found.get(a).path("Clarity_Contact_Key__c").asText()).isEqualTo("CON-1");
        assertThat(found.get(b).path("Email").asText()).isEqualTo("roe@example.test");
        assertThat(new SalesforceRecordReader(client).fetch("Contact", unknown)).isEmpty();
    }

    @Test
    void aDeletedRecordIsReadFromTheRecycleBinWithItsLastValues() {
        String kept = client.create("Contact", JSON.createObjectNode().put("LastName", "Doe"));
        String gone = client.create("Contact", JSON.createObjectNode()
                .put("LastName", "Roe").put("Clarity_Contact_Key__c", "CON-9"));
        assertThat(client.delete("Contact", gone)).isTrue();
        String unknown = gone.substring(0, 3) + "0".repeat(12) + "ZZZ";

        Map<String, ObjectNode> found = new SalesforceRecordReader(client).fetchAll("Contact",
                List.of(kept, gone, unknown));

        assertThat(found).containsOnlyKeys(kept, gone);
        assertThat(found.get(kept).path("IsDeleted").asBoolean()).isFalse();
        assertThat(found.get(gone).path("IsDeleted").asBoolean()).isTrue();
        assertThat(found.get(gone).path("Clarity_Contact_Key__c").asText()).isEqualTo("CON-9");
        assertThat(found.get(gone).path("LastName").asText()).isEqualTo("Roe");
    }

    @Test
    void aBatchWithoutMissingIdsCostsOneCall() {
        String a = client.create("Contact", JSON.createObjectNode().put("LastName", "Doe"));
        SalesforceRecordReader reader = new SalesforceRecordReader(client);
        reader.fetchAll("Contact", List.of(a));
        long before = client.apiCallCount();
        reader.fetchAll("Contact", List.of(a));
        assertThat(client.apiCallCount() - before).as("retrieve only, no recycle-bin query").isEqualTo(1);
    }

    @Test
    void aValueThatIsNoSalesforceIdIsRefusedBeforeAnyCall() {
        long before = client.apiCallCount();
        assertThatThrownBy(() -> new SalesforceRecordReader(client).fetchAll("Contact", List.of("1 OR 1=1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 or 18");
        assertThat(client.apiCallCount()).isEqualTo(before);
    }
}
