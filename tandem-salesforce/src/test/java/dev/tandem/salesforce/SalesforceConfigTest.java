package dev.tandem.salesforce;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SalesforceConfigTest {

    private static final URI TOKEN_URL = URI.create("https://acme.my.salesforce.com/services/oauth2/token");

    @Test
    void appliesDefaultsForVersionCallOptionsClientAndTimeout() {
        SalesforceConfig config = SalesforceConfig.of(TOKEN_URL, "id", "secret");

        assertThat(config.apiVersion()).isEqualTo("64.0");
        assertThat(config.callOptionsClient()).isEqualTo("tandem");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.dataPathPrefix()).isEqualTo("/services/data/v64.0/");
    }

    @Test
    void rejectsAVersionNotShapedLikeNNDotN() {
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, "id", "secret").withApiVersion("v64"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NN.N");
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, "id", "secret").withApiVersion("64"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsVersionsWithoutCompositeGraph() {
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, "id", "secret").withApiVersion("49.0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("50.0");
    }

    @Test
    void rejectsBlankCredentials() {
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, " ", "secret"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, "id", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientSecret");
    }

    @Test
    void rejectsACallOptionsClientThatCouldBreakTheHeader() {
        assertThatThrownBy(() -> SalesforceConfig.of(TOKEN_URL, "id", "secret").withCallOptionsClient("a, defaultNamespace=x"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsARelativeTokenUrl() {
        assertThatThrownBy(() -> SalesforceConfig.of(URI.create("/services/oauth2/token"), "id", "secret"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringRedactsTheSecret() {
        assertThat(SalesforceConfig.of(TOKEN_URL, "id", "very-secret").toString())
                .doesNotContain("very-secret").contains("<redacted>");
    }
}
