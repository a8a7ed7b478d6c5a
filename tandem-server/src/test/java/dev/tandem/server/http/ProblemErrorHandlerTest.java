package dev.tandem.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemErrorHandlerTest {

    @ParameterizedTest
    @CsvSource({"400, bad_request", "408, request_timeout", "413, payload_too_large", "414, uri_too_long",
            "431, request_header_fields_too_large", "500, internal_error", "418, http_418"})
    void eachStatusJettyProducesHasAStableCode(int status, String code) {
        Problem problem = ProblemErrorHandler.problem(status, null);

        assertThat(problem.code()).isEqualTo(code);
        assertThat(problem.status()).isEqualTo(status);
        assertThat(problem.type()).isEqualTo("https://tandem.dev/problems/" + code);
        assertThat(problem.detail()).as("the reason phrase when Jetty gives no message").isNotBlank();
    }

    @Test
    void aLongJettyMessageIsCutSoAHostileRequestIsNotEchoedInFull() {
        Problem problem = ProblemErrorHandler.problem(400, "Illegal character " + "x".repeat(10_000));

        assertThat(problem.detail()).hasSizeLessThanOrEqualTo(ProblemErrorHandler.MAX_DETAIL + 1).startsWith("Illegal character");
    }

    @Test
    void aBadMessageWithoutARequestIsProblemJsonToo() throws Exception {
        HttpFields.Mutable fields = HttpFields.build();

        ByteBuffer body = new ProblemErrorHandler().badMessageError(431, "Request Header Fields Too Large", fields);

        assertThat(fields.get(HttpHeader.CONTENT_TYPE)).isEqualTo(Problem.MEDIA_TYPE);
        JsonNode json = new ObjectMapper().readTree(StandardCharsets.UTF_8.decode(body).toString());
        assertThat(json.path("code").asText()).isEqualTo("request_header_fields_too_large");
        assertThat(json.path("status").asInt()).isEqualTo(431);
    }
}
