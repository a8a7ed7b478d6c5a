package dev.tandem.server.api;

import dev.tandem.server.config.ConfigException;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code api.*} keys of tandem.yaml. */
class ApiSettingsTest {

    private static final String MINIMAL = """
            clarity:
              baseUrl: https://shop.example.com/DesktopModules/ClarityEcommerce/API
              username: tandem
              password: pw
              webhook:
                secrets: [ "whsec" ]
            salesforce:
              tokenUrl: https://acme.my.salesforce.com/services/oauth2/token
              clientId: 3MVG9abc
              clientSecret: s
            """;

    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    @Test
    void withoutAnApiSectionCorsIsOffMetricsOpenAndLimitsDefault() {
        ApiSettings api = loader.parse(MINIMAL, "tandem.yaml").api();

        assertThat(api).isEqualTo(ApiSettings.defaults());
        assertThat(api.allowedOrigins()).isEmpty();
        assertThat(api.protectMetrics()).isFalse();
    }

    @Test
    void theApiSectionIsRead() {
        TandemConfig c = loader.parse(MINIMAL + """
                api:
                  protectMetrics: true
                  cors:
                    allowedOrigins: [ "https://console.example.com" ]
                  rateLimit:
                    perToken: 5
                    perAddress: 9
                    period: 1m
                """, "tandem.yaml");

        assertThat(c.api()).isEqualTo(new ApiSettings(List.of("https://console.example.com"), true, 5, 9,
                Duration.ofMinutes(1)));
    }

    @Test
    void aBadLimitOrAnUnknownKeyIsNamed() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "api:\n  rateLimit:\n    perToken: 0\n", "tandem.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.rateLimit.perToken");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "api:\n  cors:\n    origins: [x]\n", "tandem.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api.cors.origins");
    }
}
