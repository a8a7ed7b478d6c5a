package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.server.alerts.AlertsSettings;
import dev.tandem.server.config.ConfigLoader;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9, item 9's last case: Salesforce down longer than the whole retry budget → the order flow pauses, nothing
 * is dead-lettered, an alert reaches a webhook receiver (signed) and a mailbox (GreenMail, a real SMTP server),
 * everything lands after recovery, and a RESOLVED message follows — without a secret in any alert.
 */
class AlertsEndToEndTest {

    private static final String ALERT_SECRET = "alert-secret-e2e-0123456789";
    private static final String SMTP_PASSWORD = "smtp-password-e2e-42";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("tandem@example.com", "tandem", SMTP_PASSWORD));

    @TempDir
    Path dir;
    private TandemStack stack;
    private HttpServer receiver;
    private final List<String[]> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new String[]{new String(body, StandardCharsets.UTF_8),
                    exchange.getRequestHeaders().getFirst("X-Tandem-Signature")});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String yaml = """
                server: {host: 127.0.0.1, port: 0}
                store: {path: %s}
                clarity: {baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: {secrets: [x]}}
                salesforce: {tokenUrl: "http://127.0.0.1:9/token", clientId: c, clientSecret: s}
                alerts:
                  publicUrl: http://tandem.example:8080
                  evaluateEvery: 200ms
                  repeatEvery: 1h
                  channels:
                    hook: {type: webhook, url: "http://127.0.0.1:%d/hook", secret: "${env:ALERT_SECRET}"}
                    mail: {type: email, host: 127.0.0.1, port: %d, startTls: false, from: tandem@example.com,
                           to: [ops@example.com], username: tandem, password: "${env:SMTP_PASSWORD}"}
                  rules:
                    - {name: flow-paused, condition: flowPaused, severity: critical, channels: [hook, mail]}
                """.formatted(dir.resolve("unused.db").toString().replace("\\", "/"), receiver.getAddress().getPort(),
                SMTP.getSmtp().getPort());
        AlertsSettings alerts = new ConfigLoader(Map.of("ALERT_SECRET", ALERT_SECRET, "SMTP_PASSWORD", SMTP_PASSWORD)::get)
                .parse(yaml, "tandem.yaml").alerts();
        stack = TandemStack.start(dir, c -> c.withAlerts(alerts));
    }

    @AfterEach
    void stop() {
        stack.close();
        receiver.stop(0);
    }

    private List<JsonNode> alerts(String state) {
        return received.stream().map(r -> {
            try {
                return JSON.readTree(r[0]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }).filter(n -> n.path("state").asText().equals(state)).toList();
    }

    private long mails(String state) {
        return java.util.Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(state);
            } catch (jakarta.mail.MessagingException e) {
                return false;
            }
        }).count();
    }

    @Test
    void anOutageAlertsByWebhookAndMailThenResolvesAndEveryOrderLands() throws Exception {
        stack.salesforce.faults().setServerErrorRate(1);
        for (int i = 0; i < 10; i++) {
            stack.clarity.orders().createRandomOrder(BadData.NONE);
        }

        await().atMost(Duration.ofMinutes(1)).until(() -> !alerts("FIRING").isEmpty() && mails("FIRING") > 0);
        JsonNode firing = alerts("FIRING").getFirst();
        assertThat(firing.path("rule").asText()).isEqualTo("flow-paused");
        assertThat(firing.path("flow").asText()).isEqualTo("clarity-order-to-salesforce");
        assertThat(firing.path("summary").asText()).contains("salesforce");
        String[] first = received.stream().filter(r -> r[0].contains("\"FIRING\"")).findFirst().orElseThrow();
        long t = Long.parseLong(first[1].substring(2, first[1].indexOf(',')));
        assertThat(first[1]).isEqualTo(TandemStack.signature(t, first[0].getBytes(StandardCharsets.UTF_8), ALERT_SECRET));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();

        stack.salesforce.faults().clear();
        await().atMost(Duration.ofMinutes(2)).until(() -> stack.tandem().stateStore().countIds("Order") == 10
                && stack.tandem().runtime().idle());
        await().atMost(Duration.ofMinutes(1)).until(() -> !alerts("RESOLVED").isEmpty() && mails("RESOLVED") > 0);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(stack.salesforce.records("Order")).hasSize(10);
        assertThat(alerts("FIRING")).as("one alert per rule and flow while it fires").hasSize(1);

        StringBuilder everything = new StringBuilder();
        received.forEach(r -> everything.append(r[0]).append(r[1]));
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            everything.append(m.getSubject()).append(GreenMailUtil.getBody(m));
        }
        assertThat(everything.toString()).doesNotContain(ALERT_SECRET, SMTP_PASSWORD, stack.salesforce.clientSecret(),
                TandemStack.WEBHOOK_SECRET, stack.clarity.password());
    }

    private java.net.http.HttpResponse<String> api(String token, String method, String path, String body) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        stack.tandem().baseUrl().resolve("/api/v1" + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAdminAddsARuleThroughTheApiItFiresItOutlivesARestartAndIsDeleted() throws Exception {
        String admin = stack.tandem().adminApi().tokens().create("admin-e2e", dev.tandem.server.api.Role.ADMIN).secret();
        String operator = stack.tandem().adminApi().tokens().create("ops-e2e", dev.tandem.server.api.Role.OPERATOR).secret();
        String rule = "{\"name\":\"any-dead-letter\",\"condition\":\"deadLetters\",\"threshold\":0,\"window\":\"1h\","
                + "\"perFlow\":true,\"channels\":[\"hook\"],\"severity\":\"warning\"}";

        assertThat(api(operator, "POST", "/alerts/rules", rule).statusCode()).isEqualTo(403);
        assertThat(api(admin, "POST", "/alerts/rules", rule.replace("hook", "pager")).statusCode()).isEqualTo(422);
        assertThat(api(admin, "POST", "/alerts/rules", "{\"name\":\"x\",\"condition\":\"sometimes\",\"channels\":[\"hook\"]}")
                .body()).contains("condition");
        java.net.http.HttpResponse<String> added = api(admin, "POST", "/alerts/rules", rule);
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        assertThat(api(admin, "POST", "/alerts/rules", rule).statusCode()).isEqualTo(409);

        stack.clarity.orders().createRandomOrder(BadData.MISSING_LAST_NAME);
        await().atMost(Duration.ofMinutes(1)).until(() -> alerts("FIRING").stream()
                .anyMatch(a -> a.path("rule").asText().equals("any-dead-letter")));

        stack.stopTandem();
        stack.startTandem();
        String rules = api(admin, "GET", "/alerts/rules", null).body();
        assertThat(JSON.readTree(rules).path("items").findValuesAsText("source")).containsExactly("config", "api");
        assertThat(api(admin, "DELETE", "/alerts/rules/flow-paused", null).statusCode()).isEqualTo(409);
        assertThat(api(admin, "DELETE", "/alerts/rules/any-dead-letter", null).statusCode()).isEqualTo(200);
        assertThat(api(admin, "DELETE", "/alerts/rules/any-dead-letter", null).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(api(admin, "GET", "/alerts/rules", null).body()).path("items").findValuesAsText("name"))
                .containsExactly("flow-paused");
    }
}
