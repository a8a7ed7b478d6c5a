package dev.tandem.store.jdbc;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tandem.core.profile.FieldProfile;
import dev.tandem.core.profile.ProfileStore;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The learned data profiles (V27) on each database: saved per flow and field, replaced, kept across a reopen, reset. */
abstract class ProfileStoreContractTest {

    protected abstract ProfileStore openEmpty();

    protected abstract ProfileStore reopen();

    private static FieldProfile numbers(int n, int max) {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < n; i++) {
            p.learn(JsonNodeFactory.instance.numberNode(1 + i % max));
        }
        return p;
    }

    @Test
    void profilesAreSavedPerFlowAndFieldReplacedAndKeptAcrossAReopen() {
        ProfileStore store = openEmpty();
        assertThat(store.profiles("orders")).isEmpty();
        store.saveProfiles("orders", Map.of("Totals.Total", numbers(10, 5), "Lines[].Quantity", numbers(3, 3)));
        store.saveProfiles("orders", Map.of("Totals.Total", numbers(80, 5)));
        store.saveProfiles("customers", Map.of("Email", numbers(1, 1)));

        ProfileStore again = reopen();
        Map<String, FieldProfile> orders = again.profiles("orders");
        assertThat(orders.keySet()).containsExactly("Lines[].Quantity", "Totals.Total");
        assertThat(orders.get("Totals.Total").count()).isEqualTo(80);
        assertThat(orders.get("Totals.Total").check(JsonNodeFactory.instance.numberNode(5000), 50)).isPresent();
        assertThat(again.profiles("customers")).containsOnlyKeys("Email");
    }

    @Test
    void aResetForgetsOneFieldOrAFlowAndNoOtherFlow() {
        ProfileStore store = openEmpty();
        store.saveProfiles("orders", Map.of("A", numbers(1, 1), "B", numbers(1, 1), "C", numbers(1, 1)));
        store.saveProfiles("customers", Map.of("A", numbers(1, 1)));

        assertThat(store.resetProfiles("orders", "B")).isEqualTo(1);
        assertThat(store.resetProfiles("orders", "nope")).isZero();
        assertThat(store.profiles("orders")).containsOnlyKeys("A", "C");
        assertThat(store.resetProfiles("orders", null)).isEqualTo(2);
        assertThat(store.profiles("orders")).isEmpty();
        assertThat(store.profiles("customers")).containsOnlyKeys("A");
        assertThat(store.resetProfiles("unknown-flow", null)).isZero();
    }
}
