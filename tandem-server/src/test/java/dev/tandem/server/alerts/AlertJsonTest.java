package dev.tandem.server.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON shapes the webhook posts and the admin API can show. */
class AlertJsonTest {

    @Test
    void aSentAlertCarriesTheAlertAndEachChannelsResult() {
        SentAlert sent = new SentAlert(Alerts.firing(), List.of(new Delivery("ops-webhook", true, "HTTP 204"),
                new Delivery("ops-mail", false, "connection to smtp.example:587 refused")));
        ObjectNode json = AlertJson.sent(sent);
        assertThat(json.get("delivered").asBoolean()).isFalse();
        assertThat(json.get("alert").get("summary").asText()).startsWith("12 dead letters");
        assertThat(json.get("deliveries").get(1).get("detail").asText()).isEqualTo("connection to smtp.example:587 refused");
        assertThat(json.get("deliveries").get(0).get("delivered").asBoolean()).isTrue();
    }

    @Test
    void aRuleShowsOnlyTheKeysOfItsCondition() {
        AlertsSettings settings = AlertsYaml.parse("""
                channels: {w: {type: webhook, url: 'https://hooks.example/a', secret: 0123456789abcdef}}
                rules:
                  - {name: dl, condition: deadLetters, threshold: 10, perFlow: true, channels: [w]}
                  - {name: budget, condition: salesforceApiUsage, threshold: 80, severity: critical, channels: [w]}
                """);
        ObjectNode dl = AlertJson.rule(settings.rules().get(0));
        assertThat(dl.toString()).isEqualTo("{\"name\":\"dl\",\"condition\":\"deadLetters\",\"severity\":\"warning\","
                + "\"describe\":\"dl (deadLetters > 10 in 15m, per flow)\",\"threshold\":10.0,\"window\":\"15m\","
                + "\"perFlow\":true,\"channels\":[\"w\"]}");
        ObjectNode budget = AlertJson.rule(settings.rules().get(1));
        assertThat(budget.has("window")).isFalse();
        assertThat(budget.get("severity").asText()).isEqualTo("critical");
    }
}
