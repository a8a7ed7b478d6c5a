package dev.tandem.server.alerts;

import dev.tandem.server.config.ConfigException;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code alerts} section as tandem.yaml writes it, read by the config loader. */
class AlertsConfigTest {

    static final String MINIMAL = """
            clarity:
              baseUrl: https://shop.example.com/DesktopModules/ClarityEcommerce/API
              username: tandem
              password: pw
              webhook:
                secrets: [whsec]
            salesforce:
              tokenUrl: https://acme.my.salesforce.com/services/oauth2/token
              clientId: 3MVG9abc
              clientSecret: sf
            """;

    /** The example of docs/operations.md. */
    static final String EXAMPLE = MINIMAL + """
            alerts:
              publicUrl: http://tandem.example:8080
              evaluateEvery: 30s
              repeatEvery: 1h
              channels:
                ops-webhook: {type: webhook, url: https://hooks.example/tandem, secret: "${env:TANDEM_ALERT_SECRET}"}
                ops-slack: {type: slack, url: "${env:SLACK_WEBHOOK_URL}"}
                ops-mail: {type: email, host: smtp.example, port: 587, startTls: true, from: tandem@example, to: [ops@example], username: tandem, password: "${env:SMTP_PASSWORD}"}
              rules:
                - {name: dead-letters, condition: deadLetters, threshold: 10, window: 15m, perFlow: true, channels: [ops-webhook, ops-mail]}
                - {name: api-budget, condition: salesforceApiUsage, threshold: 80, channels: [ops-slack]}
                - {name: flow-paused, condition: flowPaused, channels: [ops-webhook, ops-slack, ops-mail]}
            """;

    static final Map<String, String> ENV = Map.of("TANDEM_ALERT_SECRET", "alert-secret-0123456789abcdef",
            "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "SMTP_PASSWORD", "smtp-password-9876");

    private static TandemConfig load(String yaml) {
        return new ConfigLoader(ENV::get).parse(yaml, "tandem.yaml");
    }

    private static String alerts(String section) {
        return MINIMAL + "alerts:\n" + section.indent(2);
    }

    private static void fails(String section, String... parts) {
        assertThatThrownBy(() -> load(alerts(section))).isInstanceOf(ConfigException.class).satisfies(e -> {
            for (String part : parts) {
                assertThat(e.getMessage()).contains(part);
            }
        });
    }

    @Test
    void theDocumentedExampleLoadsWithItsSecretsFromTheEnvironment() {
        AlertsSettings a = load(EXAMPLE).alerts();
        assertThat(a.publicUrl()).isEqualTo(URI.create("http://tandem.example:8080"));
        assertThat(a.evaluateEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(a.repeatEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(a.channels()).containsOnlyKeys("ops-webhook", "ops-slack", "ops-mail");
        ChannelSettings.Webhook webhook = (ChannelSettings.Webhook) a.channels().get("ops-webhook");
        assertThat(webhook.url()).isEqualTo(URI.create("https://hooks.example/tandem"));
        assertThat(webhook.secret().reveal()).isEqualTo("alert-secret-0123456789abcdef");
        assertThat(((ChannelSettings.Slack) a.channels().get("ops-slack")).url().reveal())
                .startsWith("https://hooks.slack.com/services/");
        ChannelSettings.Email mail = (ChannelSettings.Email) a.channels().get("ops-mail");
        assertThat(mail.host()).isEqualTo("smtp.example");
        assertThat(mail.port()).isEqualTo(587);
        assertThat(mail.startTls()).isTrue();
        assertThat(mail.ssl()).isFalse();
        assertThat(mail.to()).containsExactly("ops@example");
        assertThat(mail.password().reveal()).isEqualTo("smtp-password-9876");
        assertThat(a.rules()).extracting(AlertRule::name).containsExactly("dead-letters", "api-budget", "flow-paused");
        AlertRule dl = a.rules().getFirst();
        assertThat(dl.condition()).isEqualTo(Condition.DEAD_LETTERS);
        assertThat(dl.threshold()).isEqualTo(10.0);
        assertThat(dl.window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(dl.perFlow()).isTrue();
        assertThat(dl.severity()).isEqualTo(Severity.WARNING);
        assertThat(dl.channels()).containsExactly("ops-webhook", "ops-mail");
        assertThat(a.rules().get(2).threshold()).isNull();
    }

    @Test
    void noAlertsSectionMeansNoRules() {
        AlertsSettings a = load(MINIMAL).alerts();
        assertThat(a.rules()).isEmpty();
        assertThat(a.channels()).isEmpty();
        assertThat(a.evaluateEvery()).isEqualTo(AlertsSettings.DEFAULT_EVALUATE_EVERY);
    }

    @Test
    void printedSettingsNeverShowACredential() {
        String printed = load(EXAMPLE).alerts().toString();
        assertThat(printed).doesNotContain(ENV.values()).contains("***");
    }

    @Test
    void anUnsetEnvironmentVariableIsNamedWithItsKey() {
        assertThatThrownBy(() -> new ConfigLoader(Map.<String, String>of()::get).parse(EXAMPLE, "tandem.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("alerts.channels.ops-webhook.secret").hasMessageContaining("TANDEM_ALERT_SECRET");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown condition         | rules: [{name: r, condition: deadletterz, threshold: 1, channels: [w]}]              | alerts.rules[0].condition must be one of deadLetters, errorRate
            unknown channel           | rules: [{name: r, condition: flowPaused, channels: [w, pager]}]                      | alerts.rules[0].channels names the channel 'pager', which alerts.channels does not define (it defines w)
            no channel                | rules: [{name: r, condition: flowPaused, channels: []}]                              | alerts.rules[0].channels must name at least one channel
            missing threshold         | rules: [{name: r, condition: deadLetters, channels: [w]}]                            | alerts.rules[0].threshold is required for condition deadLetters
            negative threshold        | rules: [{name: r, condition: deadLetters, threshold: -1, channels: [w]}]             | alerts.rules[0].threshold must be a number >= 0
            threshold not a number    | rules: [{name: r, condition: deadLetters, threshold: ten, channels: [w]}]            | alerts.rules[0].threshold must be a number, got 'ten'
            percentage over 100       | rules: [{name: r, condition: errorRate, threshold: 150, channels: [w]}]              | alerts.rules[0].threshold is a percentage for condition errorRate and must be between 0 and 100, got 150
            key of another condition  | rules: [{name: r, condition: salesforceApiUsage, threshold: 80, window: 5m, channels: [w]}] | alerts.rules[0].window does not apply to condition salesforceApiUsage (it takes threshold)
            olderThan missing         | rules: [{name: r, condition: retryQueueAge, channels: [w]}]                          | alerts.rules[0].olderThan is required for condition retryQueueAge
            flow and perFlow          | rules: [{name: r, condition: deadLetters, threshold: 1, flow: f, perFlow: true, channels: [w]}] | alerts.rules[0].perFlow cannot be combined with flow
            bad window                | rules: [{name: r, condition: deadLetters, threshold: 1, window: soon, channels: [w]}] | alerts.rules[0].window must be a duration
            zero window               | rules: [{name: r, condition: deadLetters, threshold: 1, window: 0s, channels: [w]}]  | alerts.rules[0].window must be positive
            bad rule name             | rules: [{name: 'a b', condition: flowPaused, channels: [w]}]                         | alerts.rules[0].name must be letters, digits
            duplicate rule names      | rules: [{name: r, condition: flowPaused, channels: [w]}, {name: r, condition: flowPaused, channels: [w]}] | alerts.rules[1].name 'r' is the name of alerts.rules[0] already
            typo in a rule key        | rules: [{name: r, condition: flowPaused, channel: [w]}]                              | unknown config key alerts.rules[0].channel
            unknown severity          | rules: [{name: r, condition: flowPaused, severity: loud, channels: [w]}]             | alerts.rules[0].severity must be info, warning or critical
            rules as a mapping        | rules: {name: r}                                                                     | alerts.rules must be a list of mapping, got a mapping
            """)
    void aBadRuleFailsAtLoadNamingTheKey(String what, String rules, String message) {
        fails("channels: {w: {type: webhook, url: 'https://hooks.example/a', secret: 0123456789abcdef}}\n" + rules,
                message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            missing url                | {type: webhook, secret: 0123456789abcdef}                         | alerts.channels.c.url is required for a channel of type webhook
            slack without url          | {type: slack}                                                     | alerts.channels.c.url is required for a channel of type slack
            not a URL                  | {type: slack, url: 'ftp://files.example/x'}                       | alerts.channels.c.url must be an http(s) URL with a host (the value is not shown
            missing secret             | {type: webhook, url: 'https://hooks.example/a'}                   | alerts.channels.c.secret is required for a channel of type webhook
            short secret               | {type: webhook, url: 'https://hooks.example/a', secret: short}    | alerts.channels.c.secret must be at least 16 characters (the value is not shown)
            unknown type               | {type: pager}                                                     | alerts.channels.c.type must be webhook, slack, email or log
            key of another type        | {type: slack, url: 'https://hooks.example/a', host: smtp.example} | alerts.channels.c.host does not apply to a channel of type slack
            email without recipients   | {type: email, host: smtp.example, from: a@example.com}            | alerts.channels.c.to is required for a channel of type email
            email with a bad address   | {type: email, host: smtp.example, from: a@example.com, to: ['not an address']} | alerts.channels.c.to holds 'not an address', which is not an e-mail address
            username without password  | {type: email, host: smtp.example, from: a@example.com, to: [b@example.com], username: u} | alerts.channels.c.password is required with username
            ssl and startTls           | {type: email, host: smtp.example, from: a@example.com, to: [b@example.com], ssl: true, startTls: true} | alerts.channels.c.startTls cannot be combined with ssl
            bad port                   | {type: email, host: smtp.example, port: 70000, from: a@example.com, to: [b@example.com]} | alerts.channels.c.port must be between 1 and 65535
            """)
    void aBadChannelFailsAtLoadNamingTheKey(String what, String channel, String message) {
        fails("channels:\n  c: " + channel, message);
    }

    @Test
    void aBadChannelNameIsRefused() {
        fails("channels:\n  'ops slack': {type: slack, url: 'https://hooks.example/a'}",
                "alerts.channels has a channel named 'ops slack'");
    }

    @Test
    void anSslChannelDefaultsToPort465AndNoStartTls() {
        ChannelSettings.Email mail = (ChannelSettings.Email) load(alerts(
                "channels: {m: {type: email, host: smtp.example, ssl: true, from: a@example.com, to: b@example.com}}"))
                .alerts().channels().get("m");
        assertThat(mail.port()).isEqualTo(465);
        assertThat(mail.startTls()).isFalse();
        assertThat(mail.username()).isNull();
        assertThat(mail.to()).containsExactly("b@example.com");
    }

    @Test
    void aSecretInAChannelsErrorIsNotRepeated() {
        String secretUrl = "https://hooks.slack.com/services/T0/B0/" + "Z".repeat(24);
        assertThatThrownBy(() -> load(alerts("channels: {c: {type: slack, url: '" + secretUrl.replace("https", "ftp")
                + "'}}"))).hasMessageNotContaining("ZZZZ");
        assertThatThrownBy(() -> load(alerts("channels: {c: {type: webhook, url: 'https://h.example', secret: tooshort}}")))
                .hasMessageNotContaining("tooshort");
    }
}
