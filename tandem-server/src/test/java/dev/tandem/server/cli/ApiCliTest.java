package dev.tandem.server.cli;

import dev.tandem.server.api.ApiTestServer;
import dev.tandem.server.api.Role;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `tandem tokens` on the box, `tandem status` over the admin API, and the API client's messages. */
class ApiCliTest {

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path config(Path dir) throws IOException {
        Path file = dir.resolve("tandem.yaml");
        Files.writeString(file, """
                server:
                  host: 127.0.0.1
                  port: 18080
                store:
                  path: %s
                clarity:
                  baseUrl: http://127.0.0.1:9/api
                  username: tandem
                  password: secret
                  webhook:
                    secrets: [ "whsec" ]
                salesforce:
                  tokenUrl: http://127.0.0.1:9/token
                  clientId: client
                  clientSecret: secret
                """.formatted(dir.resolve("data/tandem.db").toString().replace("\\", "/")));
        return file;
    }

    @Test
    void tokensAreCreatedShownOnceListedWithoutSecretsAndRevoked(@TempDir Path dir) throws IOException {
        Path config = config(dir);

        CliRun created = run("tokens", "create", "--role", "operator", "--name", "ci", "--config", config.toString());

        assertThat(created.exitCode()).as(created.err()).isZero();
        String secret = created.out().trim();
        assertThat(secret).matches("tdm_[A-Za-z0-9_-]{43}");
        assertThat(created.err()).contains("export TANDEM_TOKEN=").contains("shown only now");

        CliRun listed = run("tokens", "list", "--config", config.toString());
        assertThat(listed.out()).contains("ID", "NAME", "ROLE", "ci", "operator", "active").doesNotContain(secret);

        CliRun revoked = run("tokens", "revoke", "ci", "--config", config.toString());
        assertThat(revoked.exitCode()).isZero();
        assertThat(revoked.out()).contains("Revoked token 1 'ci'");
        assertThat(run("tokens", "list", "--config", config.toString()).out()).contains("revoked");
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("data/tandem.db"))) {
            assertThat(stores.apiTokens().list()).singleElement().satisfies(t -> assertThat(t.active()).isFalse());
        }
    }

    @Test
    void badTokenCommandsSayWhatIsWrong(@TempDir Path dir) throws IOException {
        Path config = config(dir);

        CliRun badRole = run("tokens", "create", "--role", "root", "--name", "x", "--config", config.toString());
        CliRun unknown = run("tokens", "revoke", "nobody", "--config", config.toString());
        CliRun noConfig = run("tokens", "list", "--config", dir.resolve("missing.yaml").toString());

        assertThat(badRole.exitCode()).isEqualTo(1);
        assertThat(badRole.err()).contains("--role must be viewer, operator or admin");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no token with id or active name 'nobody'");
        assertThat(noConfig.exitCode()).isEqualTo(1);
        assertThat(noConfig.err()).contains("missing.yaml");
    }

    @Test
    void statusPrintsATableOrTheJsonOfARunningTandem(@TempDir Path dir) throws IOException {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            Path tokenFile = dir.resolve("token");
            Files.writeString(tokenFile, api.token("cli", Role.VIEWER) + "\n");
            String url = api.server.baseUrl().toString();

            CliRun table = run("status", "--url", url, "--token-file", tokenFile.toString());
            CliRun json = run("status", "--url", url, "--token-file", tokenFile.toString(), "--json");
            CliRun anonymous = run("status", "--url", url);

            assertThat(table.exitCode()).as(table.err()).isZero();
            assertThat(table.out()).contains("COUNTER", "received", "deadLettered", "FLOW",
                    "clarity-order-to-salesforce");
            assertThat(json.exitCode()).isZero();
            assertThat(ApiTestServer.JSON_MAPPER.readTree(json.out()).path("flows").isArray()).isTrue();
            assertThat(anonymous.exitCode()).isEqualTo(1);
            assertThat(anonymous.err()).contains("401 unauthorized").contains("TANDEM_TOKEN");
        }
    }

    @Test
    void withUrlTheTokenCommandsUseTheApi(@TempDir Path dir) throws IOException {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            Path adminFile = dir.resolve("admin-token");
            Files.writeString(adminFile, api.token("root", Role.ADMIN));
            Path viewerFile = dir.resolve("viewer-token");
            Files.writeString(viewerFile, api.token("watcher", Role.VIEWER));
            String url = api.server.baseUrl().toString();

            CliRun created = run("tokens", "create", "--role", "viewer", "--name", "remote-ci", "--url", url,
                    "--token-file", adminFile.toString());
            CliRun listed = run("tokens", "list", "--url", url, "--token-file", adminFile.toString());
            CliRun revoked = run("tokens", "revoke", "remote-ci", "--url", url, "--token-file", adminFile.toString());
            CliRun refused = run("tokens", "list", "--url", url, "--token-file", viewerFile.toString());

            assertThat(created.exitCode()).as(created.err()).isZero();
            String secret = created.out().trim();
            assertThat(secret).startsWith("tdm_");
            assertThat(listed.out()).contains("remote-ci", "viewer", "active").doesNotContain(secret);
            assertThat(revoked.out()).contains("Revoked token").contains("'remote-ci'");
            assertThat(api.server.adminApi().tokens().authenticate(secret)).isEmpty();
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err()).contains("403 forbidden: this needs an admin token (you have viewer)");
        }
    }

    @Test
    void aProblemIsOneLineWithStatusCodeAndDetail(@TempDir Path dir) {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            ApiClient viewer = new ApiClient(api.server.baseUrl(), api.token("v", Role.VIEWER));

            assertThatThrownBy(() -> viewer.get("/tokens")).isInstanceOf(ApiClient.ApiException.class)
                    .hasMessage("403 forbidden: this needs an admin token (you have viewer)");
            assertThatThrownBy(() -> viewer.get("/nothing-here")).hasMessageStartingWith("404 not_found: ");
        }
    }

    @Test
    void noTandemAtTheUrlIsSaidPlainly() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ApiClient client = new ApiClient(URI.create("http://127.0.0.1:" + port), "tdm_x");

        assertThatThrownBy(() -> client.get("/status")).isInstanceOf(ApiClient.ApiException.class)
                .hasMessage("no Tandem at http://127.0.0.1:" + port + " (is `tandem server` running?)");
    }

    @Test
    void theUrlComesFromTheOptionThenTheEnvironmentThenTheConfig(@TempDir Path dir) throws IOException {
        Path config = config(dir);
        Map<String, String> env = Map.of("TANDEM_URL", "http://from-env:1");

        assertThat(ApiClient.baseUrl(URI.create("http://from-option:2"), config, env::get))
                .isEqualTo(URI.create("http://from-option:2"));
        assertThat(ApiClient.baseUrl(null, config, env::get)).isEqualTo(URI.create("http://from-env:1"));
        assertThat(ApiClient.baseUrl(null, config, Map.<String, String>of()::get))
                .isEqualTo(URI.create("http://127.0.0.1:18080"));
        assertThat(ApiClient.baseUrl(null, null, Map.<String, String>of()::get))
                .isEqualTo(URI.create("http://127.0.0.1:8080"));
        assertThat(new ApiClient(URI.create("http://h:1/"), null).apiUrl()).isEqualTo(URI.create("http://h:1/api/v1"));
    }

    @Test
    void theTokenComesFromTheFileThenTheEnvironment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t");
        Files.writeString(file, "  tdm_file\n");

        assertThat(ApiClient.token(file, Map.of("TANDEM_TOKEN", "tdm_env")::get)).isEqualTo("tdm_file");
        assertThat(ApiClient.token(null, Map.of("TANDEM_TOKEN", "tdm_env")::get)).isEqualTo("tdm_env");
        assertThatThrownBy(() -> ApiClient.token(dir.resolve("none"), Map.<String, String>of()::get))
                .hasMessageContaining("cannot read the token file");
    }

    @Test
    void aTableAlignsColumnsAndKeepsEachRowOnOneLine() {
        StringWriter out = new StringWriter();
        TableOutput.table(new PrintWriter(out), java.util.List.of("ID", "MESSAGE"),
                java.util.List.of(java.util.List.of("1", "short"), java.util.List.of("22", "two\nlines"),
                        java.util.List.of("3", "")));

        assertThat(out.toString().split("\n")).containsExactly("ID  MESSAGE", "1   short", "22  two lines", "3   -");
    }
}
