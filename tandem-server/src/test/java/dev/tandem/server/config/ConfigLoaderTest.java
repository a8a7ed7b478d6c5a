package dev.tandem.server.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private static final String MINIMAL = """
            clarity:
              baseUrl: https://shop.example.com/DesktopModules/ClarityEcommerce/API
              username: tandem
              password: ${CLARITY_PASSWORD}
              webhook:
                secrets: [ "${WEBHOOK_SECRET}", "old-secret" ]
            salesforce:
              tokenUrl: https://acme.my.salesforce.com/services/oauth2/token
              clientId: 3MVG9abc
              clientSecret: ${SF_SECRET:-fallback}
            """;

    private final ConfigLoader loader = new ConfigLoader(Map.of("CLARITY_PASSWORD", "pw: with colon",
            "WEBHOOK_SECRET", "whsec")::get);

    @Test
    void readsAMinimalFileWithDefaultsAndEnvironmentSecrets() {
        TandemConfig c = loader.parse(MINIMAL, "tandem.yaml");

        assertThat(c.clarity().password()).isEqualTo("pw: with colon");
        assertThat(c.clarity().webhookSecrets()).containsExactly("whsec", "old-secret");
        assertThat(c.salesforce().clientSecret()).isEqualTo("fallback");
        assertThat(c.salesforce().apiVersion()).isEqualTo("64.0");
        assertThat(c.server().port()).isEqualTo(8080);
        assertThat(c.store().path()).isEqualTo(Path.of("./data/tandem.db"));
        assertThat(c.runtime().batchSize()).isEqualTo(dev.tandem.core.runtime.RuntimeSettings.DEFAULT_BATCH_SIZE);
        assertThat(c.retry().maxAttempts()).isEqualTo(10);
        assertThat(c.clarity().webhookTolerance()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aMissingEnvironmentVariableIsNamedWithItsKey() {
        ConfigLoader noEnv = new ConfigLoader(name -> null);
        assertThatThrownBy(() -> noEnv.parse(MINIMAL, "tandem.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clarity.password").hasMessageContaining("CLARITY_PASSWORD");
    }

    @Test
    void anUnknownKeyIsAnErrorNotASilentDefault() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "runtime:\n  batchsize: 10\n", "tandem.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("runtime.batchsize");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ConfigLoader.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.parseDuration("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> loader.parse(MINIMAL + "retry:\n  maxDelay: soon\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retry.maxDelay");
    }

    @Test
    void badValuesAreRejectedWithTheirKey() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "server:\n  port: 70000\n", "t"))
                .hasMessageContaining("server.port");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("https://acme", "ftp://acme"), "t"))
                .hasMessageContaining("salesforce.tokenUrl");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "salesforce2: {}\n", "t"))
                .hasMessageContaining("salesforce2");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("  clientId: 3MVG9abc\n", ""), "t"))
                .hasMessageContaining("salesforce.clientId is required");
    }

    @Test
    void scheduledReconciliationIsReadAndItsBadValuesAreNamed() {
        TandemConfig c = loader.parse(MINIMAL + "reconcile: { every: 6h, objects: [products, inventory], repair: false,"
                + " alertThreshold: 10 }\n", "t");
        assertThat(c.reconcile().every()).isEqualTo(Duration.ofHours(6));
        assertThat(c.reconcile().objects()).containsExactly(dev.tandem.server.reconcile.ReconcileObject.PRODUCTS,
                dev.tandem.server.reconcile.ReconcileObject.INVENTORY);
        assertThat(c.reconcile().alertThreshold()).isEqualTo(10);
        assertThat(loader.parse(MINIMAL, "t").reconcile().every()).as("off by default").isNull();

        assertThatThrownBy(() -> loader.parse(MINIMAL + "reconcile: { every: 6h, objects: [invoices] }\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reconcile.objects")
                .hasMessageContaining("customers, products, inventory, orders");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "reconcile: { every: 10s }\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reconcile.every")
                .hasMessageContaining("at least 1m");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "reconcile: { alertThreshold: -1 }\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reconcile.alertThreshold");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "reconcile: { evry: 6h }\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("reconcile.evry");
    }

    @Test
    void hostileYamlIsRejectedClearly() {
        assertThatThrownBy(() -> loader.parse("clarity: [unclosed", "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> loader.parse("- a\n- b\n", "t")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("top level");
    }

    @Test
    void anOversizedOrMissingFileIsRefused(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "#".repeat((int) ConfigLoader.MAX_BYTES + 1));
        assertThatThrownBy(() -> loader.load(big)).hasMessageContaining("larger than 1 MiB");
        assertThatThrownBy(() -> loader.load(dir.resolve("nope.yaml"))).hasMessageContaining("does not exist");
    }

    @Test
    void aSecretCannotChangeTheStructureOfTheFile() {
        ConfigLoader sneaky = new ConfigLoader(Map.of("CLARITY_PASSWORD", "x\nsalesforce:\n  clientId: evil",
                "WEBHOOK_SECRET", "s")::get);
        TandemConfig c = sneaky.parse(MINIMAL, "t");
        assertThat(c.clarity().password()).isEqualTo("x\nsalesforce:\n  clientId: evil");
        assertThat(c.salesforce().clientId()).isEqualTo("3MVG9abc");
    }

    @Test
    void theJwtBearerFlowNeedsAUserAndAKeyButNoSecret() {
        String jwt = MINIMAL.replace("  clientSecret: ${SF_SECRET:-fallback}\n", "")
                + "  auth:\n    flow: jwt_bearer\n    username: integration@acme.com\n    privateKeyFile: /etc/tandem/sf.key\n";
        TandemConfig c = loader.parse(jwt.replace("salesforce:\n", "salesforce:\n"), "t");
        assertThat(c.salesforce().auth().flow()).isEqualTo(dev.tandem.salesforce.auth.OAuthFlow.JWT_BEARER);
        assertThat(c.salesforce().auth().username()).isEqualTo("integration@acme.com");
        assertThat(c.salesforce().auth().privateKeyPath()).isEqualTo(Path.of("/etc/tandem/sf.key"));

        assertThatThrownBy(() -> loader.parse(jwt.replace("    username: integration@acme.com\n", ""), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.auth").hasMessageContaining("username");
    }

    @Test
    void anUnknownOAuthFlowIsNamed() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  auth:\n    flow: password\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.auth.flow");
    }

    @Test
    void clientCredentialsCanSendTheSecretInTheForm() {
        TandemConfig c = loader.parse(MINIMAL + "  auth:\n    clientAuth: form\n", "t");
        assertThat(c.salesforce().auth().clientAuthStyle()).isEqualTo(dev.tandem.salesforce.auth.ClientAuthStyle.FORM);
    }

    @Test
    void theDocumentedExampleConfigurationsParse() {
        ConfigLoader env = new ConfigLoader(name -> "from-env");
        assertThat(env.load(Path.of("../docs/examples/tandem-sandboxes.yaml")).clarity().username()).isEqualTo("tandem");
    }

    @Test
    void nonsensicalRetryAndToleranceValuesAreRefused() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "retry:\n  multiplier: NaN\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retry.multiplier");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "retry:\n  jitter: 1.5\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retry.jitter");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("    secrets:", "    tolerance: 0s\n    secrets:"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clarity.webhook.tolerance");
    }

    @Test
    void pollingNeedsNoWebhookSecretAndNamesBadEntities() {
        String poll = MINIMAL.replace("  webhook:\n    secrets: [ \"${WEBHOOK_SECRET}\", \"old-secret\" ]\n",
                "  ingest: poll\n  poll:\n    interval: 5s\n    entities: [SalesOrder, SalesOrderEvent]\n    startFrom: 2026-01-01T00:00:00Z\n");
        TandemConfig c = loader.parse(poll, "t");
        assertThat(c.clarity().ingest()).isEqualTo(TandemConfig.Ingest.POLL);
        assertThat(c.clarity().poll().interval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.clarity().poll().entities()).hasSize(2);
        assertThatThrownBy(() -> loader.parse(poll.replace("SalesOrderEvent]", "Invoice]"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown entity 'Invoice'");
        assertThatThrownBy(() -> loader.parse(poll.replace("ingest: poll", "ingest: carrier-pigeon"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clarity.ingest");
    }

    @Test
    void aMalformedCidrIsNamed() {
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("    secrets:", "    allowedCidrs: [10.0.0.0/33]\n    secrets:"), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clarity.webhook.allowedCidrs");
    }

    @Test
    void cdcKeysAreReadAndCheckedWithTheirNames() {
        TandemConfig c = loader.parse(MINIMAL + """
                  cdc:
                    enabled: true
                    objects: [Account, Contact]
                    replayStart: earliest
                    batchSize: 50
                """, "t");
        assertThat(c.cdc().enabled()).isTrue();
        assertThat(c.cdc().effectiveTopics()).containsExactly("/data/AccountChangeEvent", "/data/ContactChangeEvent");
        assertThat(c.cdc().batchSize()).isEqualTo(50);
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc:\n    enabled: true\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.cdc.objects");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc:\n    enabled: yes please\n    objects: [Account]\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.cdc.enabled");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc:\n    objects: [Account]\n    replayStart: tomorrow\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("latest or earliest");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc:\n    objects: [\"Account; DROP\"]\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not an object API name");
    }

    @Test
    void flowsKeysAreReadAndABadFolderOrSwitchIsNamed() throws java.io.IOException {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("flows");
        TandemConfig c = loader.parse(MINIMAL + "flows:\n  dir: " + dir + "\n  enabled: { clarity-order-to-opportunity: true }\n", "t");
        assertThat(c.flows().dir()).isEqualTo(dir);
        assertThat(c.flows().enabled()).containsEntry("clarity-order-to-opportunity", true);
        assertThatThrownBy(() -> loader.parse(MINIMAL + "flows:\n  dir: /nonexistent/flows\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.dir");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "flows:\n  enabled: { x: maybe }\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.enabled.x");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "flows:\n  folder: x\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flows.folder");
    }

    @Test
    void runtimeParallelismIsReadWithItsRangeAndDefault() {
        assertThat(loader.parse(MINIMAL, "t").runtime().parallelism()).isEqualTo(4);
        assertThat(loader.parse(MINIMAL + "runtime:\n  parallelism: 16\n", "t").runtime().parallelism()).isEqualTo(16);
        assertThatThrownBy(() -> loader.parse(MINIMAL + "runtime:\n  parallelism: 65\n", "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("runtime.parallelism must be between 1 and 64, got 65");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "runtime:\n  parallelism: 0\n", "t"))
                .hasMessageContaining("runtime.parallelism");
    }

    @Test
    void theMappingTimeoutIsReadWithItsRangeAndDefault() {
        assertThat(loader.parse(MINIMAL, "t").runtime().mappingTimeout()).hasSeconds(30);
        assertThat(loader.parse(MINIMAL + "runtime:\n  mappingTimeout: 2s\n", "t").runtime().mappingTimeout())
                .hasSeconds(2);
        // JSONata's timebox counts milliseconds: under 1 ms every evaluation would stop at once
        for (String bad : new String[] {"0s", "500us", "2h", "-1s"}) {
            assertThatThrownBy(() -> loader.parse(MINIMAL + "runtime:\n  mappingTimeout: " + bad + "\n", "t"))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("runtime.mappingTimeout");
        }
    }

    @Test
    void rulesAcrossKeysNameBothKeys() {
        assertThatThrownBy(() -> loader.parse(MINIMAL + "retry:\n  initialDelay: 5s\n  maxDelay: 1s\n", "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("retry.maxDelay must be at least retry.initialDelay (5s), got 1s");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("  clientSecret: ${SF_SECRET:-fallback}\n", ""), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.clientSecret is required");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  auth:\n    flow: refresh-token\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.auth.refreshToken is required");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc:\n    trustStore: a.p12\n    trustCertificate: b.pem\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.cdc.trustStore and");
    }

    @Test
    void hostileValuesAreRefusedWithTheirFullKeyPath() {
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("    secrets:", "    secret: x\n    secrets:"), "t"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown config key clarity.webhook.secret (known: allowedCidrs, secrets, tolerance)");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  cdc: [enabled]\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.cdc must be a mapping");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "server:\n  port: " + "9".repeat(100_000) + "\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("server.port must be a whole number")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  apiVersion: 49.0\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.apiVersion must look like 64.0");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "  writer:\n    maxRecords: [200]\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessage("salesforce.writer.maxRecords must be a single value, got a list");
        assertThatThrownBy(() -> loader.parse(MINIMAL + "store:\n  path: ~\nruntime:\n  linger: PT-1S\n", "t"))
                .isInstanceOf(ConfigException.class).hasMessage("runtime.linger must not be negative, got PT-1S");
    }

    @Test
    void aBlankWebhookSecretIsRefusedWithoutEchoingIt() {
        ConfigLoader blank = new ConfigLoader(Map.of("CLARITY_PASSWORD", "pw", "WEBHOOK_SECRET", " ")::get);
        assertThatThrownBy(() -> blank.parse(MINIMAL, "t")).isInstanceOf(ConfigException.class)
                .hasMessage("clarity.webhook.secrets must list one or more non-empty secrets");
        assertThatThrownBy(() -> loader.parse(MINIMAL.replace("  webhook:\n    secrets: [ \"${WEBHOOK_SECRET}\", \"old-secret\" ]\n", ""), "t"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("clarity.webhook.secrets is required");
    }

    @Test
    void booleansAndNumbersMayComeFromTheEnvironment() {
        ConfigLoader env = new ConfigLoader(Map.of("CLARITY_PASSWORD", "pw", "WEBHOOK_SECRET", "s", "CDC", "true",
                "PORT", "9000")::get);
        TandemConfig c = env.parse(MINIMAL + "  cdc:\n    enabled: ${CDC}\n    objects: Account\nserver:\n  port: ${PORT}\n", "t");
        assertThat(c.cdc().enabled()).isTrue();
        assertThat(c.cdc().objects()).containsExactly("Account");
        assertThat(c.server().port()).isEqualTo(9000);
    }
}
