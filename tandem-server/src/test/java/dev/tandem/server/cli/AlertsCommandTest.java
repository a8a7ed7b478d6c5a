package dev.tandem.server.cli;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tandem alerts test}: from tandem.yaml, against a loopback webhook receiver and GreenMail. */
class AlertsCommandTest {

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    @TempDir
    Path dir;

    private HttpServer receiver;
    private volatile int status = 204;
    private final List<String> bodies = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stopReceiver() {
        receiver.stop(0);
    }

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private Path config(int smtpPort) throws IOException {
        Path file = dir.resolve("tandem.yaml");
        Files.writeString(file, """
                clarity:
                  baseUrl: https://shop.example.com/DesktopModules/ClarityEcommerce/API
                  username: tandem
                  password: pw
                  webhook: {secrets: [whsec]}
                salesforce:
                  tokenUrl: https://acme.my.salesforce.com/services/oauth2/token
                  clientId: 3MVG9abc
                  clientSecret: sf
                alerts:
                  publicUrl: http://tandem.example:8080
                  channels:
                    ops-webhook: {type: webhook, url: 'http://127.0.0.1:%d/tandem', secret: cli-test-secret-0123456789}
                    ops-mail: {type: email, host: 127.0.0.1, port: %d, startTls: false, from: tandem@example.com, to: [ops@example.com]}
                  rules:
                    - {name: dead-letters, condition: deadLetters, threshold: 10, perFlow: true, channels: [ops-webhook, ops-mail]}
                    - {name: paused, condition: flowPaused, channels: [ops-webhook]}
                """.formatted(receiver.getAddress().getPort(), smtpPort));
        return file;
    }

    @Test
    void sendsATestAlertToEachChannelOfTheRuleAndExitsZeroWhenAllDeliver() throws Exception {
        CliRun r = run("alerts", "test", "--rule", "dead-letters", "--config", config(SMTP.getSmtp().getPort()).toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("TEST alert of rule dead-letters (deadLetters > 10 in 15m, per flow)")
                .containsPattern("ops-webhook +delivered: HTTP 204")
                .containsPattern("ops-mail +delivered: accepted by 127.0.0.1:\\d+ for 1 recipient")
                .contains("all 2 channel(s) delivered it");
        assertThat(bodies).singleElement().satisfies(b -> assertThat(b).contains("\"state\":\"TEST\"", "\"test\":true"));
        assertThat(SMTP.getReceivedMessages()).singleElement().satisfies(m -> {
            assertThat(m.getSubject()).startsWith("[Tandem] TEST dead-letters");
            assertThat(GreenMailUtil.getBody(m)).contains("TEST ALERT: nothing is wrong");
        });
    }

    @Test
    void aChannelThatDoesNotDeliverIsNamedWithWhyAndTheExitCodeIsOne() throws Exception {
        status = 500;
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        CliRun r = run("alerts", "test", "--rule", "dead-letters", "--config", config(closed).toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).containsPattern("ops-webhook +NOT delivered: HTTP 500")
                .containsPattern("ops-mail +NOT delivered: connection to 127.0.0.1:" + closed + " refused")
                .contains("2 of 2 channel(s) did not deliver it");
    }

    @Test
    void anUnknownRuleIsNamedWithTheRulesThatExist() throws Exception {
        CliRun r = run("alerts", "test", "--rule", "nope", "--config", config(SMTP.getSmtp().getPort()).toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no alert rule 'nope'", "(rules: dead-letters, paused)");
        assertThat(bodies).isEmpty();
    }

    @Test
    void aBadConfigIsReportedByKeyAndNothingIsSent() throws Exception {
        Path file = config(SMTP.getSmtp().getPort());
        Files.writeString(file, Files.readString(file).replace("channels: [ops-webhook]}", "channels: [pager]}"));
        CliRun r = run("alerts", "test", "--rule", "paused", "--config", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("alerts.rules[1].channels names the channel 'pager'").doesNotContain("Exception");
        assertThat(bodies).isEmpty();
    }

    @Test
    void theRuleIsRequiredAndTheCommandsHaveHelp() {
        CliRun missing = run("alerts", "test");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("Missing required option: '--rule=NAME'");
        assertThat(run("alerts", "--help").out()).contains("Usage: tandem alerts", "test");
        assertThat(run("alerts", "test", "--help").out()).contains("--rule=NAME", "--config=FILE", "tandem.yaml");
    }
}
