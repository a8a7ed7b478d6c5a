package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorClassifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ErrorClassifier classifier = new ErrorClassifier();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private IntegrationException exception(int status, String body) {
        return classifier.toException(status, json(body), body);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 500})
    void unableToLockRowIsRetryableWhateverTheStatus(int status) {
        IntegrationException e = exception(status,
                "[{\"message\":\"unable to obtain exclusive access to this record or 1 records: 0035cFAKEIDAQBGAA4\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]");

        assertThat(e.errorCode()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void requestLimitExceededIsRetryableAfterFifteenMinutes() {
        IntegrationException e = exception(403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");

        assertThat(e.retryable()).isTrue();
        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(e.retryAfter()).contains(Duration.ofMinutes(15));
    }

    @Test
    void serverUnavailableIsRetryable() {
        assertThat(classifier.isRetryable(400, "SERVER_UNAVAILABLE")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503})
    void anyServerErrorIsRetryable(int status) {
        assertThat(classifier.isRetryable(status, "UNKNOWN_EXCEPTION")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"REQUIRED_FIELD_MISSING", "INVALID_FIELD", "MALFORMED_ID", "DUPLICATE_VALUE",
            "FIELD_INTEGRITY_EXCEPTION", "INVALID_CROSS_REFERENCE_KEY", "STANDARD_PRICE_NOT_DEFINED",
            "FIELD_CUSTOM_VALIDATION_EXCEPTION", "DUPLICATES_DETECTED", "NOT_FOUND", "INSUFFICIENT_ACCESS_OR_READONLY"})
    void dataErrorsArePermanent(String code) {
        assertThat(classifier.isRetryable(400, code)).isFalse();
    }

    @Test
    void requiredFieldMissingIsPermanentWithSalesforcesMessageAndFields() {
        IntegrationException e = exception(400,
                "[{\"message\":\"Required fields are missing: [Name]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Name\"]}]");

        assertThat(e.system()).isEqualTo("salesforce");
        assertThat(e.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(e.getMessage()).isEqualTo("Required fields are missing: [Name]");
        assertThat(e.fields()).containsExactly("Name");
        assertThat(e.retryable()).isFalse();
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void severalErrorsAreReportedTogetherAndArePermanentIfAnyIs() {
        IntegrationException e = exception(400, """
                [{"message":"unable to obtain exclusive access","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]},
                 {"message":"Required fields are missing: [LastName, Email]","errorCode":"REQUIRED_FIELD_MISSING","fields":["LastName","Email"]}]""");

        assertThat(e.errorCode()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(e.getMessage()).contains("UNABLE_TO_LOCK_ROW: unable to obtain exclusive access")
                .contains("REQUIRED_FIELD_MISSING: Required fields are missing");
        assertThat(e.fields()).containsExactly("LastName", "Email");
        assertThat(e.retryable()).isFalse();
    }

    @Test
    void readsTheStatusCodeVariantOfSaveResults() {
        List<ApiError> errors = classifier.errors(400, json("""
                {"success":false,"errors":[{"statusCode":"MALFORMED_ID","message":"Contact ID: id value of incorrect type","fields":["Id"]}]}"""), "");

        assertThat(errors).containsExactly(
                new ApiError("MALFORMED_ID", "Contact ID: id value of incorrect type", List.of("Id"), false));
    }

    @Test
    void processingHaltedIsRetryableBecauseAnotherFailureCausedIt() {
        List<ApiError> errors = classifier.errors(400, json("""
                [{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}]"""), "");

        assertThat(errors.getFirst().retryable()).isTrue();
    }

    @Test
    void aBodyThatIsNotAnErrorArrayKeepsTheRawTextUnderTheHttpStatus() {
        List<ApiError> errors = classifier.errors(502, null, "<html>Bad gateway</html>");

        assertThat(errors).containsExactly(new ApiError("HTTP_502", "<html>Bad gateway</html>", List.of(), true));
    }

    @Test
    void aTimeoutIsRetryableWithoutHttpStatus() {
        IntegrationException e = ErrorClassifier.transportFailure("GET /services/data/v64.0/query",
                new java.net.http.HttpTimeoutException("request timed out"));

        assertThat(e.errorCode()).isEqualTo("TIMEOUT");
        assertThat(e.httpStatus()).isZero();
        assertThat(e.retryable()).isTrue();
    }

    @Test
    void aConnectionFailureIsRetryable() {
        IntegrationException e = ErrorClassifier.transportFailure("GET /x", new java.net.ConnectException("refused"));

        assertThat(e.errorCode()).isEqualTo("IO_ERROR");
        assertThat(e.retryable()).isTrue();
    }
}
