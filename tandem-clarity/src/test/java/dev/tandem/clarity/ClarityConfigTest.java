package dev.tandem.clarity;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClarityConfigTest {

    private static final URI BASE = URI.create("https://shop.example.com/DesktopModules/ClarityEcommerce/API/");

    @Test
    void dropsATrailingSlashAndResolvesPathsBelowTheBase() {
        ClarityConfig config = ClarityConfig.of(BASE, "user", "pw");

        assertThat(config.baseUrl()).hasToString("https://shop.example.com/DesktopModules/ClarityEcommerce/API");
        assertThat(config.resolve("/auth/identity"))
                .hasToString("https://shop.example.com/DesktopModules/ClarityEcommerce/API/auth/identity");
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void toStringRedactsThePassword() {
        assertThat(ClarityConfig.of(BASE, "user", "hunter2").toString()).doesNotContain("hunter2").contains("<redacted>");
    }

    @Test
    void rejectsMissingCredentialsAndRelativeUrls() {
        assertThatThrownBy(() -> ClarityConfig.of(BASE, " ", "pw")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClarityConfig.of(BASE, "user", "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClarityConfig.of(URI.create("/DesktopModules/ClarityEcommerce/API"), "user", "pw"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
