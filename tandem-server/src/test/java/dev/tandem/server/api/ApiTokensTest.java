package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTokensTest {

    @TempDir
    Path dir;

    private JdbcStores stores;
    private ApiTokens tokens;

    @BeforeEach
    void open() {
        stores = JdbcStores.openSqlite(dir.resolve("tandem.db"));
        tokens = new ApiTokens(stores.apiTokens(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        stores.close();
    }

    @Test
    void aTokenIsPrefixedRandomAndStoredOnlyAsItsSha256() {
        ApiTokens.Issued issued = tokens.create("ci", Role.OPERATOR);

        assertThat(issued.secret()).matches("tdm_[A-Za-z0-9_-]{43}");
        ApiToken stored = stores.apiTokens().list().get(0);
        assertThat(stored.tokenHash()).isEqualTo(ApiTokens.hash(issued.secret())).hasSize(64)
                .doesNotContain(issued.secret().substring(4));
        assertThat(stored.role()).isEqualTo("operator");
    }

    @Test
    void everyTokenIsDifferent() {
        Set<String> secrets = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            secrets.add(tokens.create("t" + i, Role.VIEWER).secret());
        }
        assertThat(secrets).hasSize(50);
    }

    @Test
    void onlyTheExactActiveSecretAuthenticates() {
        String secret = tokens.create("ci", Role.ADMIN).secret();

        assertThat(tokens.authenticate(secret)).isPresent();
        assertThat(tokens.authenticate(secret.toUpperCase())).isEmpty();
        assertThat(tokens.authenticate(secret + "x")).isEmpty();
        char last = secret.charAt(secret.length() - 1);
        assertThat(tokens.authenticate(secret.substring(0, secret.length() - 1) + (last == 'A' ? 'B' : 'A')))
                .as("one character changed").isEmpty();
        assertThat(tokens.authenticate("tdm_" + "A".repeat(43))).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
        assertThat(tokens.authenticate(null)).isEmpty();

        tokens.store().revoke(tokens.authenticate(secret).orElseThrow().id(), Instant.now());
        assertThat(tokens.authenticate(secret)).isEmpty();
    }

    @Test
    void namesAreShortPlainWords() {
        assertThatThrownBy(() -> tokens.create("", Role.VIEWER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create("a b", Role.VIEWER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create("x".repeat(65), Role.VIEWER)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> tokens.create("'; DROP TABLE api_token; --", Role.VIEWER))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(tokens.create("ci-bot@example.com", Role.VIEWER).token().name()).isEqualTo("ci-bot@example.com");
    }

    @Test
    void aTokenIsFoundByIdOrByName() {
        ApiToken t = tokens.create("ci", Role.VIEWER).token();

        assertThat(tokens.find(Long.toString(t.id()))).contains(t);
        assertThat(tokens.find("ci")).contains(t);
        assertThat(tokens.find("nobody")).isEmpty();
    }
}
