package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.error.IntegrationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every error code of salesforce-api.md §2.12 (and those named in issue 3) classified, message and fields kept. */
class ErrorCatalogTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ErrorClassifier classifier = new ErrorClassifier();

    private IntegrationException exception(int status, String body) throws Exception {
        return classifier.toException(status, JSON.readTree(body), body);
    }

    @ParameterizedTest(name = "{0} ({1}) retryable={2}")
    @CsvSource({
            "REQUIRED_FIELD_MISSING, 400, false",
            "DUPLICATE_VALUE, 400, false",
            "INVALID_FIELD, 400, false",
            "MALFORMED_ID, 400, false",
            "NOT_FOUND, 404, false",
            "REQUEST_LIMIT_EXCEEDED, 403, true",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION, 400, false",
            "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST, 400, false",
            "STRING_TOO_LONG, 400, false",
            "ENTITY_IS_DELETED, 404, false",
            "UNABLE_TO_LOCK_ROW, 400, true",
            "UNABLE_TO_LOCK_ROW, 500, true",
            "INVALID_SESSION_ID, 401, false",
            "MALFORMED_SEARCH, 400, false",
            "ALL_OR_NONE_OPERATION_ROLLED_BACK, 400, true",
            "PROCESSING_HALTED, 400, true",
            "FIELD_INTEGRITY_EXCEPTION, 400, false",
            "STANDARD_PRICE_NOT_DEFINED, 400, false",
            "INVALID_CROSS_REFERENCE_KEY, 400, false",
            "DUPLICATES_DETECTED, 400, false",
            "SERVER_UNAVAILABLE, 503, true"
    })
    void everyCatalogCodeIsClassifiedAndKeepsMessageAndFields(String code, int status, boolean retryable)
            throws Exception {
        IntegrationException e = exception(status, """
                [{"message":"msg of %s","errorCode":"%s","fields":["Field__c"]}]""".formatted(code, code));

        assertThat(e.errorCode()).isEqualTo(code);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.getMessage()).isEqualTo("msg of " + code);
        assertThat(e.fields()).containsExactly("Field__c");
        assertThat(e.httpStatus()).isEqualTo(status);
    }

    @Test
    void duplicatesDetectedKeepsTheDuplicateResultAndMatchedIds() throws Exception {
        String body = """
                [ { "duplicateResult": { "allowSave": true, "duplicateRule": "Standard_Contact_Duplicate_Rule",
                      "duplicateRuleEntityType": "Contact", "errorMessage": "Use one of these records?",
                      "matchResults": [ { "entityType": "Contact", "errors": [], "matchEngine": "FuzzyMatchEngine",
                          "matchRecords": [ { "additionalInformation": [], "fieldDiffs": [], "matchConfidence": 100.0,
                              "record": { "attributes": { "type": "Contact", "url": "..." },
                                          "Id": "003aj000002oTldAAE" } } ],
                          "rule": "Standard_Contact_Match_Rule_v1_1", "size": 1, "success": true } ] },
                    "errorCode": "DUPLICATES_DETECTED", "message": "Use one of these records?" } ]""";

        IntegrationException e = exception(400, body);

        assertThat(e).isInstanceOfSatisfying(DuplicatesDetectedException.class, d -> {
            assertThat(d.matchedRecordIds()).containsExactly("003aj000002oTldAAE");
            assertThat(d.duplicateResult().path("duplicateRule").asText()).isEqualTo("Standard_Contact_Duplicate_Rule");
            // Salesforce's message verbatim, then the records it matched (so a dead letter says which to link).
            assertThat(d.getMessage()).isEqualTo("Use one of these records? (matching record: 003aj000002oTldAAE)");
            assertThat(d.retryable()).isFalse();
        });
    }

    @Test
    void duplicatesDetectedWithoutADuplicateResultIsAPlainPermanentError() throws Exception {
        IntegrationException e = exception(400,
                "[{\"statusCode\":\"DUPLICATES_DETECTED\",\"message\":\"Use one of these records?\",\"fields\":[]}]");

        assertThat(e).isNotInstanceOf(DuplicatesDetectedException.class);
        assertThat(e.errorCode()).isEqualTo("DUPLICATES_DETECTED");
    }

    @Test
    void matchedRecordIdsOfAnUnexpectedShapeAreEmpty() throws Exception {
        JsonNode odd = JSON.readTree("{\"matchResults\":\"nope\"}");

        assertThat(ErrorClassifier.matchedRecordIds(odd)).isEmpty();
        assertThat(ErrorClassifier.matchedRecordIds(null)).isEmpty();
    }
}
