package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.model.PublishResult;
import dev.tandem.salesforce.model.TreeResult;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The connector's sObject Tree (salesforce-api.md §2.11) and platform event publish (§4.7) against the Salesforce
 * sandbox, checked on what the org holds afterwards.
 */
class TreeAndPlatformEventContractTest {

    private static final String CLIENT_ID = "3MVG9tree.events_key";
    private static final String CLIENT_SECRET = "tree-events-secret-71c2";

    private static SalesforceSandbox sandbox;
    private static SalesforceRestClient client;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).build().start();
        SalesforceConfig config = SalesforceConfig.of(URI.create(sandbox.baseUrl() + "/services/oauth2/token"),
                CLIENT_ID, CLIENT_SECRET);
        client = SalesforceRestClient.create(config, new SimpleMeterRegistry());
    }

    @AfterEach
    void reset() {
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    /** A tree record: {@code attributes} with its type and reference id, then the fields (name, value pairs). */
    private static ObjectNode record(String type, String referenceId, String... fields) {
        ObjectNode record = JsonNodeFactory.instance.objectNode();
        record.putObject("attributes").put("type", type).put("referenceId", referenceId);
        for (int i = 0; i < fields.length; i += 2) {
            record.put(fields[i], fields[i + 1]);
        }
        return record;
    }

    /** {@code parent} with {@code children} nested under the child relationship {@code relationship} (§2.11). */
    private static ObjectNode withChildren(ObjectNode parent, String relationship, ObjectNode... children) {
        var records = parent.putObject(relationship).putArray("records");
        for (ObjectNode child : children) {
            records.add(child);
        }
        return parent;
    }

    // ---------------------------------------------------------------------------------------------- sObject Tree

    @Test
    void aTreeCreatesEveryRecordAndLinksTheChildrenToTheirParent() {
        ObjectNode acme = withChildren(record("Account", "acme", "Name", "Acme"), "Contacts",
                record("Contact", "ada", "LastName", "Lovelace"), record("Contact", "grace", "LastName", "Hopper"));
        ObjectNode globex = record("Account", "globex", "Name", "Globex");

        TreeResult result = client.createTree("Account", List.of(acme, globex));

        assertThat(result.hasErrors()).isFalse();
        assertThat(result.errors()).isEmpty();
        assertThat(result.ids()).containsOnlyKeys("acme", "globex", "ada", "grace");
        String acmeId = result.id("acme").orElseThrow();
        assertThat(acmeId).startsWith("001");
        assertThat(result.id("ada")).hasValueSatisfying(id -> assertThat(id).startsWith("003"));
        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name"))
                .containsExactlyInAnyOrder("Acme", "Globex");
        assertThat(sandbox.records("Contact")).hasSize(2)
                .allSatisfy(contact -> assertThat(contact.get("AccountId")).isEqualTo(acmeId));
    }

    @Test
    void aTreeWithOneInvalidRecordCreatesNothingAndNamesTheFailingRecord() {
        ObjectNode acme = withChildren(record("Account", "acme", "Name", "Acme"), "Contacts",
                record("Contact", "ada", "LastName", "Lovelace"),
                record("Contact", "nameless", "FirstName", "No last name"));

        TreeResult result = client.createTree("Account", List.of(acme, record("Account", "globex", "Name", "Globex")));

        assertThat(result.hasErrors()).isTrue();
        assertThat(result.ids()).isEmpty();
        assertThat(result.errors()).containsOnlyKeys("nameless");
        assertThat(result.errors().get("nameless")).extracting(ApiError::errorCode)
                .containsExactly("REQUIRED_FIELD_MISSING");
        assertThat(result.errors().get("nameless")).allSatisfy(e -> assertThat(e.retryable()).isFalse());
        // "If an error occurs while creating a record, the entire request fails" (§2.11).
        assertThat(sandbox.records("Account")).isEmpty();
        assertThat(sandbox.records("Contact")).isEmpty();
    }

    @Test
    void aTreeOfAnUnknownRelationshipIsRefusedAsAWhole() {
        ObjectNode acme = withChildren(record("Account", "acme", "Name", "Acme"), "Bogus__r",
                record("Contact", "ada", "LastName", "Lovelace"));

        assertThatThrownBy(() -> client.createTree("Account", List.of(acme)))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void aTreeOverTwoHundredRecordsIsRefusedBeforeAnyCall() {
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            records.add(record("Account", "a" + i, "Name", "Account " + i));
        }
        long before = client.apiCallCount();

        assertThatThrownBy(() -> client.createTree("Account", records))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
        assertThat(client.apiCallCount()).isEqualTo(before);
        assertThat(sandbox.records("Account")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- platform events

    @Test
    void aPublishedEventArrivesWithItsPayloadAndTheReportedUuid() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode()
                .put("Order_Key__c", "SO-5001").put("Amount__c", 28.5);

        PublishResult result = client.publishEvent("Order_Synced__e", payload);

        assertThat(result.success()).isTrue();
        assertThat(result.errors()).isEmpty();
        assertThat(result.id()).startsWith("e01");
        assertThat(result.eventUuid()).isNotEmpty();
        assertThat(sandbox.publishedEvents()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("Order_Synced__e");
            assertThat(event.id()).isEqualTo(result.id());
            assertThat(event.eventUuid()).isEqualTo(result.eventUuid());
            assertThat(event.payload()).isEqualTo(payload);
        });
    }

    @Test
    void anEventWithAFieldTheTypeCannotHaveIsRefusedAndNotPublished() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("Name", "not a custom field");

        assertThatThrownBy(() -> client.publishEvent("Order_Synced__e", payload))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(sandbox.publishedEvents()).isEmpty();
    }
}
