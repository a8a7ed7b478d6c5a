package dev.tandem.core.spi;

import java.time.Instant;
import java.util.List;

/**
 * Alert rules an admin added through the admin API, kept in the store so they outlive a restart (the rules of
 * tandem.yaml stay in the file). The definition is the rule as JSON, in the shape of a tandem.yaml rule.
 */
public interface AlertRuleStore {

    record StoredRule(String name, String definition, String createdBy, Instant createdAt) {
    }

    /** Every stored rule, oldest first. */
    List<StoredRule> alertRules();

    /** Stores a rule, replacing one of the same name. */
    void saveAlertRule(StoredRule rule);

    /** Deletes a rule; false when there was none of that name. */
    boolean deleteAlertRule(String name);
}
