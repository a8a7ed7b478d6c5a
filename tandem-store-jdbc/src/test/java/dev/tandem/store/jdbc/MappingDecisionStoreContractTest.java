package dev.tandem.store.jdbc;

import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Decisions about mapping suggestions (V28) on each database: per source system and object, replaced, kept, forgotten. */
abstract class MappingDecisionStoreContractTest {

    protected abstract MappingDecisionStore openEmpty();

    protected abstract MappingDecisionStore reopen();

    @Test
    void decisionsAreKeptPerSourceSystemAndObjectAndTheLastOneWins() {
        MappingDecisionStore store = openEmpty();
        assertThat(store.decisions("shopify", "Contact")).isEmpty();
        store.recordDecisions(List.of(
                new Decision("shopify", "Contact", "email", "Email", true, 10),
                new Decision("shopify", "Contact", "note", "Title", false, 11),
                new Decision("shopify", "Account", "email", "Website", false, 12),
                new Decision("woocommerce", "Contact", "email", "Email", false, 13)));
        store.recordDecisions(List.of(new Decision("shopify", "Contact", "note", "Title", true, 20)));

        MappingDecisionStore again = reopen();
        assertThat(again.decisions("shopify", "Contact")).containsExactly(
                new Decision("shopify", "Contact", "email", "Email", true, 10),
                new Decision("shopify", "Contact", "note", "Title", true, 20));
        assertThat(again.decisions("shopify", "Account")).hasSize(1);
        assertThat(again.decisions("woocommerce", "Contact")).extracting(Decision::accepted).containsExactly(false);
    }

    @Test
    void forgettingTakesOneSourceSystemAndObjectOnly() {
        MappingDecisionStore store = openEmpty();
        store.recordDecisions(List.of(
                new Decision("shopify", "Contact", "email", "Email", true, 1),
                new Decision("shopify", "Contact", "phone", "Phone", true, 1),
                new Decision("shopify", "Account", "phone", "Phone", true, 1)));
        assertThat(store.forgetDecisions("shopify", "Contact")).isEqualTo(2);
        assertThat(store.forgetDecisions("shopify", "Contact")).isZero();
        assertThat(store.decisions("shopify", "Contact")).isEmpty();
        assertThat(store.decisions("shopify", "Account")).hasSize(1);
    }

    @Test
    void namesThatLookLikeSqlAreStoredAsTheyAre() {
        MappingDecisionStore store = openEmpty();
        String path = "x'); DROP TABLE mapping_decision; --";
        store.recordDecisions(List.of(new Decision("shop'ify", "Contact", path, "Email", true, 1)));
        assertThat(reopen().decisions("shop'ify", "Contact")).extracting(Decision::sourcePath).containsExactly(path);
    }
}
