package dev.tandem.core.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sensitiveFieldsAreMaskedAtAnyDepthAndTheRestKept() throws Exception {
        JsonNode in = JSON.readTree("""
                {"Name":"Ada","Password":"hunter2","card":{"Card-Number":"4111111111111111","Brand":"Visa"},
                 "lines":[{"api_key":"k1","Sku":"A"}],"AuthToken":null}""");

        JsonNode out = Redactor.defaults().redact(in);

        assertThat(out.path("Name").asText()).isEqualTo("Ada");
        assertThat(out.path("Password").asText()).isEqualTo(Redactor.MASK);
        assertThat(out.path("card").path("Card-Number").asText()).isEqualTo(Redactor.MASK);
        assertThat(out.path("card").path("Brand").asText()).isEqualTo("Visa");
        assertThat(out.path("lines").get(0).path("api_key").asText()).isEqualTo(Redactor.MASK);
        assertThat(out.path("AuthToken").isNull()).isTrue();
        assertThat(out.toString()).doesNotContain("hunter2", "4111111111111111", "k1");
        assertThat(in.path("Password").asText()).as("the input is not changed").isEqualTo("hunter2");
    }

    @Test
    void aRecordWithoutSensitiveFieldsIsReturnedAsIsAndConfiguredWordsAreUsed() throws Exception {
        JsonNode clean = JSON.readTree("{\"Name\":\"Ada\",\"Phone\":\"+1 512 555 0100\"}");
        assertThat(Redactor.defaults().redact(clean)).isSameAs(clean);

        JsonNode out = new Redactor(List.of("phone")).redact(clean);
        assertThat(out.path("Phone").asText()).isEqualTo(Redactor.MASK);
        assertThat(new Redactor(List.of()).redact(clean)).isSameAs(clean);
    }
}
