package dev.tandem.server;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthKeyTest {

    @Test
    void aSourceNameBecomesItsHealthKeyInCamelCase() {
        assertThat(TandemServer.healthKey("salesforce.cdc")).isEqualTo("salesforceCdc");
        assertThat(TandemServer.healthKey("clarity.poll")).isEqualTo("clarityPoll");
        assertThat(TandemServer.healthKey("clarity.webhook")).isEqualTo("clarityWebhook");
        assertThat(TandemServer.healthKey("shop-x.order_feed")).isEqualTo("shopXOrderFeed");
        assertThat(TandemServer.healthKey("plain")).isEqualTo("plain");
    }
}
