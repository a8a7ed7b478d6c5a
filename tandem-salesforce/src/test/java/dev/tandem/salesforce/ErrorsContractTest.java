package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.client.DuplicatesDetectedException;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each error code the sandbox can produce, as the connector classifies it (salesforce-api.md §2.2, §2.12). */
class ErrorsContractTest {

    private static SalesforceSandbox sandbox;
    private static SalesforceRestClient client;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).contactDuplicateRuleByEmail(true).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
    }

    @AfterEach
    void reset() {
        sandbox.faults().clear();
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static IntegrationException failure(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(IntegrationException.class);
        return (IntegrationException) thrown;
    }

    @Test
    void requiredFieldMissingIsPermanentAndNamesTheField() {
        IntegrationException e = failure(() -> client.create("Account", object()));

        assertThat(e.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(e.retryable()).isFalse();
        assertThat(e.fields()).contains("Name");
        assertThat(e.getMessage()).contains("Required fields are missing");
    }

    @Test
    void duplicateValueOfAUniqueFieldIsPermanent() {
        client.create("Account", object().put("Name", "A").put("Clarity_Account_Key__c", "DUP-1"));

        IntegrationException e = failure(() ->
                client.create("Account", object().put("Name", "B").put("Clarity_Account_Key__c", "DUP-1")));

        assertThat(e.errorCode()).isEqualTo("DUPLICATE_VALUE");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("duplicate value found");
    }

    @Test
    void malformedIdIsPermanent() {
        IntegrationException e = failure(() -> client.update("Account", "not-an-id", object().put("Name", "x")));

        assertThat(e.errorCode()).isEqualTo("MALFORMED_ID");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void anUnknownFieldIsInvalidField() {
        IntegrationException e = failure(() -> client.create("Account", object().put("Name", "x").put("Bogus__c", 1)));

        assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
        assertThat(e.retryable()).isFalse();
        assertThat(e.getMessage()).contains("Bogus__c");
    }

    @Test
    void aSoqlErrorIsInvalidField() {
        IntegrationException e = failure(() -> client.query("SELECT Nope__c FROM Account"));

        assertThat(e.errorCode()).isEqualTo("INVALID_FIELD");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aReferenceToAMissingRecordIsInvalidCrossReferenceKey() {
        IntegrationException e = failure(() -> client.create("Contact",
                object().put("LastName", "Orphan").put("AccountId", "001000000000000AAA")));

        assertThat(e.errorCode()).isEqualTo("INVALID_CROSS_REFERENCE_KEY");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aCustomPriceWithoutAStandardPriceIsStandardPriceNotDefined() {
        String product = client.create("Product2", object().put("Name", "Widget"));
        String pricebook = client.create("Pricebook2", object().put("Name", "Wholesale").put("IsActive", true));

        IntegrationException e = failure(() -> client.create("PricebookEntry", object().put("Product2Id", product)
                .put("Pricebook2Id", pricebook).put("UnitPrice", 5).put("IsActive", true)));

        assertThat(e.errorCode()).isEqualTo("STANDARD_PRICE_NOT_DEFINED");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void creatingAnActivatedOrderIsAFieldIntegrityException() {
        String account = client.create("Account", object().put("Name", "Buyer"));

        IntegrationException e = failure(() -> client.create("Order", object().put("AccountId", account)
                .put("EffectiveDate", "2025-01-01").put("Status", "Activated")
                .put("Pricebook2Id", sandbox.standardPricebookId())));

        assertThat(e.errorCode()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void aDuplicateRuleMatchKeepsTheMatchedRecordIds() {
        String existing = client.create("Contact", object().put("LastName", "One").put("Email", "dup@example.com"));

        assertThatThrownBy(() -> client.create("Contact", object().put("LastName", "Two").put("Email", "dup@example.com")))
                .isInstanceOfSatisfying(DuplicatesDetectedException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("DUPLICATES_DETECTED");
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.matchedRecordIds()).containsExactly(existing);
                });
    }

    @Test
    void aLockedRowIsRetryable() {
        sandbox.faults().setLockErrorRate(1.0);

        IntegrationException e = failure(() -> client.create("Account", object().put("Name", "Locked")));

        assertThat(e.errorCode()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void anExhaustedAllocationIsRetryableAfterABackoff() {
        sandbox.faults().exhaustLimit();

        IntegrationException e = failure(() -> client.query("SELECT Id FROM Account"));

        assertThat(e.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.retryable()).isTrue();
        assertThat(e.retryAfter()).isPresent();
    }

    @Test
    void anUnavailableServerIsRetryable() {
        sandbox.faults().setServerErrorRate(1.0);

        IntegrationException e = failure(() -> client.query("SELECT Id FROM Account"));

        assertThat(e.httpStatus()).isGreaterThanOrEqualTo(500);
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void anInvalidSessionIsRecoveredWithANewToken() {
        client.query("SELECT Id FROM Account");
        sandbox.faults().revokeTokens();

        assertThat(client.query("SELECT Id FROM Account")).isEmpty();
    }
}
