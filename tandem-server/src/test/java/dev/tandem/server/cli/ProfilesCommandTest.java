package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tandem.core.profile.FieldProfile;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.server.api.ApiTestServer;
import dev.tandem.server.api.Role;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tandem profiles show|reset}: on the state store of --config, through the admin API with --url, bad input. */
class ProfilesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private static Path config(Path dir) throws IOException {
        Path file = dir.resolve("tandem.yaml");
        Files.writeString(file, """
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

    private static void learn(ProfileStore store) {
        FieldProfile total = new FieldProfile();
        FieldProfile country = new FieldProfile();
        for (int i = 0; i < 60; i++) {
            total.learn(JsonNodeFactory.instance.numberNode(20 + i));
            country.learn(JsonNodeFactory.instance.textNode(i % 2 == 0 ? "USA" : "CAN"));
        }
        store.saveProfiles("orders", Map.of("Totals.Total", total, "BillingContact.Address.CountryCode", country));
    }

    @Test
    void showAndResetWorkOnTheStoreOfTheConfig(@TempDir Path dir) throws Exception {
        Path config = config(dir);
        Files.createDirectories(dir.resolve("data"));
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("data/tandem.db"))) {
            learn((ProfileStore) stores.stateStore());
        }

        CliRun show = run("profiles", "show", "orders", "--config", config.toString());
        assertThat(show.exitCode()).as(show.err()).isZero();
        assertThat(show.out()).contains("FIELD", "Totals.Total", "60", "20.0 … 79.0 (typ. 46.2)", "BillingContact.Address.CountryCode", "CAN, USA");
        JsonNode json = JSON.readTree(run("profiles", "show", "orders", "--json", "--config", config.toString()).out());
        assertThat(json.path("flow").asText()).isEqualTo("orders");
        assertThat(json.path("fields").path("Totals.Total").path("numbers").path("max").asDouble()).isEqualTo(79);
        assertThat(json.path("fields").path("BillingContact.Address.CountryCode").path("domain").path("USA").asInt()).isEqualTo(30);

        CliRun reset = run("profiles", "reset", "orders", "--field", "Totals.Total", "--config", config.toString());
        assertThat(reset.exitCode()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("flow orders: 1 field profile(s) forgotten (Totals.Total)");
        assertThat(run("profiles", "show", "orders", "--config", config.toString()).out()).doesNotContain("Totals.Total");
        assertThat(run("profiles", "reset", "orders", "--config", config.toString()).out()).contains("1 field profile(s) forgotten");
        assertThat(run("profiles", "show", "orders", "--config", config.toString()).out()).contains("has learned no profile yet");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsOpened(@TempDir Path dir) {
        CliRun badFlow = run("profiles", "show", "Orders; DROP", "--config", dir.resolve("missing.yaml").toString());
        assertThat(badFlow.exitCode()).isEqualTo(2);
        assertThat(badFlow.err()).contains("is not a flow id");
        CliRun badField = run("profiles", "reset", "orders", "--field", "a..b", "--config", dir.resolve("missing.yaml").toString());
        assertThat(badField.exitCode()).isEqualTo(2);
        assertThat(badField.err()).contains("--field 'a..b' is not a field path");
        assertThat(run("profiles", "show").exitCode()).isEqualTo(2);
    }

    @Test
    void withUrlTheyGoThroughTheAdminApiWithItsRoles(@TempDir Path dir) throws Exception {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            String url = api.server.baseUrl().toString();
            Path viewer = Files.writeString(dir.resolve("viewer"), api.token("cli-viewer", Role.VIEWER));
            Path operator = Files.writeString(dir.resolve("operator"), api.token("cli-operator", Role.OPERATOR));
            learn((ProfileStore) api.server.stateStore());

            CliRun show = run("profiles", "show", "orders", "--json", "--url", url, "--token-file", viewer.toString());
            assertThat(show.exitCode()).as(show.err()).isZero();
            assertThat(JSON.readTree(show.out()).path("fields").path("Totals.Total").path("observations").asInt()).isEqualTo(60);

            CliRun refused = run("profiles", "reset", "orders", "--url", url, "--token-file", viewer.toString());
            assertThat(refused.exitCode()).isNotZero();
            assertThat(refused.err()).contains("403");
            CliRun reset = run("profiles", "reset", "orders", "--url", url, "--token-file", operator.toString());
            assertThat(reset.exitCode()).as(reset.err()).isZero();
            assertThat(reset.out()).contains("flow orders: 2 field profile(s) forgotten");
            CliRun unknown = run("profiles", "show", "no-such-flow", "--url", url, "--token-file", viewer.toString());
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("404");
        }
    }
}
