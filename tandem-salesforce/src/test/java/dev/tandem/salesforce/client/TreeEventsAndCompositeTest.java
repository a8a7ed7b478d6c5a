package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.model.CompositeSubrequest;
import dev.tandem.salesforce.model.PublishResult;
import dev.tandem.salesforce.model.TreeResult;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeHttpServer.Response;
import dev.tandem.salesforce.testing.FakeSalesforce;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.tandem.salesforce.testing.FakeSalesforce.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The operations the sandbox does not emulate (sObject Tree §2.11, Platform Event publish §4.7) and the request
 * checks made before any call, against a fake server answering the spec's verbatim bodies.
 */
class TreeEventsAndCompositeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final FakeHttpServer http = salesforce.http();
    private final SalesforceRestClient client = salesforce.client(new SimpleMeterRegistry());

    @AfterEach
    void stop() {
        salesforce.close();
    }

    private static ObjectNode treeRecord(String type, String ref) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putObject("attributes").put("type", type).put("referenceId", ref);
        return node;
    }

    @Test
    void treeCreatesNestedRecordsAndReturnsIdsByReference() throws Exception {
        http.on("POST", data("composite/tree/Account"), r -> Response.json(201, """
                { "hasErrors" : false, "results" : [{ "referenceId" : "ref1", "id" : "001D000000K0fXOIAZ" },
                  { "referenceId" : "ref2", "id" : "003D000000QV9n2IAD" }] }"""));
        ObjectNode account = treeRecord("Account", "ref1").put("name", "SampleAccount1");
        account.putObject("Contacts").putArray("records").add(treeRecord("Contact", "ref2").put("lastname", "Smith"));

        TreeResult result = client.createTree("Account", List.of(account));

        assertThat(result.hasErrors()).isFalse();
        assertThat(result.id("ref2")).contains("003D000000QV9n2IAD");
        JsonNode sent = JSON.readTree(http.requests("POST", data("composite/tree/Account")).getFirst().body());
        assertThat(sent.at("/records/0/Contacts/records/0/attributes/referenceId").asText()).isEqualTo("ref2");
    }

    @Test
    void aFailedTreeReportsErrorsPerReferenceAndNoIds() {
        http.on("POST", data("composite/tree/Account"), r -> Response.json(400, """
                { "hasErrors" : true, "results" : [{ "referenceId" : "ref2", "errors" : [{ "statusCode" :
                  "INVALID_EMAIL_ADDRESS", "message" : "Email: invalid email address: 123", "fields" : [ "Email" ] }] }] }"""));

        TreeResult result = client.createTree("Account", List.of(treeRecord("Account", "ref1")));

        assertThat(result.hasErrors()).isTrue();
        assertThat(result.ids()).isEmpty();
        assertThat(result.errors().get("ref2")).singleElement().satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo("INVALID_EMAIL_ADDRESS");
            assertThat(e.fields()).containsExactly("Email");
            assertThat(e.retryable()).isFalse();
        });
    }

    @Test
    void aTreeOfMoreThanTwoHundredRecordsCountingChildrenIsRefusedBeforeAnyCall() {
        ObjectNode account = treeRecord("Account", "a");
        var children = account.putObject("Contacts").putArray("records");
        IntStream.range(0, 200).forEach(i -> children.add(treeRecord("Contact", "c" + i)));

        assertThatThrownBy(() -> client.createTree("Account", List.of(account)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("201");
        assertThat(http.requests("POST", data("composite/tree/Account"))).isEmpty();
    }

    @Test
    void publishingAPlatformEventReturnsItsUuid() {
        http.on("POST", data("sobjects/Low_Ink__e"), r -> Response.json(201, """
                { "id" : "e01xx0000000001AAA", "success" : true, "errors" : [ { "statusCode" : "OPERATION_ENQUEUED",
                  "message" : "232fd30e-0a71-42bd-a97b-be0e329b2ded", "fields" : [ ] } ] }"""));

        PublishResult result = client.publishEvent("Low_Ink__e",
                JsonNodeFactory.instance.objectNode().put("Printer_Model__c", "XZO-5"));

        assertThat(result).isEqualTo(new PublishResult("e01xx0000000001AAA", true,
                "232fd30e-0a71-42bd-a97b-be0e329b2ded", List.of()));
    }

    @Test
    void aRefusedPublishIsAnUnsuccessfulResultWithTheError() {
        http.on("POST", data("sobjects/Low_Ink__e"), r -> Response.json(200, """
                { "success" : false, "errors" : [ { "statusCode" : "LIMIT_EXCEEDED",
                  "message" : "Hourly limit reached", "fields" : [ ] } ] }"""));

        PublishResult result = client.publishEvent("Low_Ink__e", JsonNodeFactory.instance.objectNode());

        assertThat(result.success()).isFalse();
        assertThat(result.errors()).extracting(e -> e.errorCode()).containsExactly("LIMIT_EXCEEDED");
    }

    @Test
    void onlyPlatformEventNamesCanBePublished() {
        assertThatThrownBy(() -> client.publishEvent("Account", JsonNodeFactory.instance.objectNode()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("__e");
    }

    @Test
    void compositeSendsFullDataPathsAndReadsResultsInOrder() throws Exception {
        http.on("POST", data("composite"), r -> Response.json(200, """
                { "compositeResponse" : [ {
                  "body" : { "id" : "a1V3E000000EXomUAM", "success" : true, "errors" : [ ] },
                  "httpHeaders" : { "Location" : "/services/data/v64.0/sobjects/Account/a1V3E000000EXomUAM" },
                  "httpStatusCode" : 201, "referenceId" : "NewAccount" } ] }"""));

        var results = client.composite(List.of(CompositeSubrequest.of("POST", "sobjects/Account", "NewAccount",
                JsonNodeFactory.instance.objectNode().put("Name", "x"))), true);

        assertThat(results.getFirst().id()).isEqualTo("a1V3E000000EXomUAM");
        assertThat(results.getFirst().httpHeaders()).containsKey("Location");
        JsonNode sent = JSON.readTree(http.requests("POST", data("composite")).getFirst().body());
        assertThat(sent.at("/compositeRequest/0/url").asText()).isEqualTo(data("sobjects/Account"));
        assertThat(sent.path("allOrNone").asBoolean()).isTrue();
    }

    @Test
    void compositeRefusesMoreThanTwentyFiveSubrequestsAndRepeatedReferences() {
        List<CompositeSubrequest> many = IntStream.range(0, 26)
                .mapToObj(i -> CompositeSubrequest.of("GET", "limits", "r" + i, null)).toList();
        List<CompositeSubrequest> repeated = Collections.nCopies(2, CompositeSubrequest.of("GET", "limits", "r", null));

        assertThatThrownBy(() -> client.composite(many, false)).hasMessageContaining("25");
        assertThatThrownBy(() -> client.composite(repeated, false)).hasMessageContaining("repeated");
        assertThat(http.requests("POST", data("composite"))).isEmpty();
    }

    @Test
    void compositeSubrequestsRejectBadReferenceIdsMethodsUrlsAndHeaders() {
        assertThatThrownBy(() -> CompositeSubrequest.of("POST", "sobjects/Account", "_bad", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompositeSubrequest.of("HEAD", "sobjects/Account", "ok", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CompositeSubrequest.of("GET", "https://evil.example/x", "ok", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompositeSubrequest("GET", "limits", "ok", null, Map.of("Authorization", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCollectionsAnswerOfTheWrongLengthIsAnUnexpectedResponse() {
        http.on("PATCH", data("composite/sobjects/Account/Key__c"), r -> Response.json(200, "[]"));

        assertThatThrownBy(() -> client.upsert("Account", "Key__c",
                List.of(JsonNodeFactory.instance.objectNode().put("Key__c", "k")), false))
                .isInstanceOfSatisfying(IntegrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    @Test
    void aQueryPageRepeatingItsOwnLocatorIsRefusedInsteadOfLoopingForever() {
        http.on("GET", data("query"), r -> Response.json(200, """
                {"totalSize":4,"done":false,"nextRecordsUrl":"%s","records":[{"Id":"1"}]}"""
                .formatted(data("query/01gLOOP-2000"))));
        http.on("GET", data("query/01gLOOP-2000"), r -> Response.json(200, """
                {"totalSize":4,"done":false,"nextRecordsUrl":"%s","records":[{"Id":"2"}]}"""
                .formatted(data("query/01gLOOP-2000"))));

        assertThatThrownBy(() -> client.stream("SELECT Id FROM Account").toList())
                .isInstanceOfSatisfying(IntegrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    @Test
    void aNextRecordsUrlOnAnotherHostIsNeverFollowed() {
        http.on("GET", data("query"), r -> Response.json(200, """
                {"totalSize":4,"done":false,"nextRecordsUrl":"https://evil.example/services/data/v64.0/query/x",
                 "records":[{"Id":"1"}]}"""));

        assertThatThrownBy(() -> client.stream("SELECT Id FROM Account").toList())
                .isInstanceOf(IntegrationException.class);
    }
}
