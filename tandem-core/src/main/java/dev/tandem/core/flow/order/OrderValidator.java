package dev.tandem.core.flow.order;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks an order passes before anything is sent to Salesforce.
 *
 * <p>Business rules (issue: blocked, never sent): a total that is missing, not a number or negative; an order
 * without items; an item without a product or with a quantity that is not a positive number. Salesforce rules that
 * are cheaper to catch here than with an API call: a contact needs a last name and an account a name
 * (REQUIRED_FIELD_MISSING, salesforce-api.md §2.12).
 */
public final class OrderValidator {

    public static final String BUSINESS_RULE_VIOLATION = "BUSINESS_RULE_VIOLATION";
    public static final String REQUIRED_FIELD_MISSING = "REQUIRED_FIELD_MISSING";
    /** Lines one order graph can carry: 500 nodes (salesforce-api.md §2.10) less account, contact and order. */
    public static final int MAX_LINES = 497;

    /** Rules on the Clarity order as fetched. */
    public List<Violation> checkSource(String orderKey, JsonNode order) {
        List<Violation> violations = new ArrayList<>();
        JsonNode total = order.path("Totals").path("Total");
        if (total.isMissingNode() || total.isNull()) {
            violations.add(new Violation(BUSINESS_RULE_VIOLATION, "order " + orderKey + " has no total (Totals.Total is missing)"));
        } else if (!total.isNumber()) {
            violations.add(new Violation(BUSINESS_RULE_VIOLATION,
                    "order " + orderKey + " has a non-numeric total (Totals.Total = " + total + ")"));
        } else if (total.decimalValue().compareTo(BigDecimal.ZERO) < 0) {
            violations.add(new Violation(BUSINESS_RULE_VIOLATION, "order " + orderKey + " has a negative total ("
                    + total.decimalValue().toPlainString() + "); orders with a negative total are not sent to Salesforce"));
        }
        JsonNode items = order.path("SalesItems");
        if (items.isArray() && items.size() > MAX_LINES) {
            violations.add(new Violation(BUSINESS_RULE_VIOLATION, "order " + orderKey + " has " + items.size()
                    + " lines; one Composite Graph (500 nodes: account, contact, order and the lines) holds at most "
                    + MAX_LINES + " lines"));
        }
        if (!items.isArray() || items.isEmpty()) {
            violations.add(new Violation(BUSINESS_RULE_VIOLATION, "order " + orderKey + " has no items (SalesItems is empty)"));
        } else {
            int line = 0;
            for (JsonNode item : items) {
                line++;
                String where = "order " + orderKey + " item " + line + " (" + item.path("Sku").asText(item.path("Name").asText("?")) + ")";
                if (item.path("ProductKey").asText("").isBlank() && item.path("Sku").asText("").isBlank()) {
                    violations.add(new Violation(BUSINESS_RULE_VIOLATION, where + " names no product (ProductKey and Sku are missing)"));
                }
                JsonNode quantity = item.path("Quantity");
                if (!quantity.isNumber() || quantity.decimalValue().compareTo(BigDecimal.ZERO) <= 0) {
                    violations.add(new Violation(BUSINESS_RULE_VIOLATION, where + " has quantity " + quantity
                            + "; Salesforce order products need a quantity above zero"));
                }
                JsonNode price = item.path("UnitSoldPrice");
                if (!price.isNumber() || price.decimalValue().compareTo(BigDecimal.ZERO) < 0) {
                    violations.add(new Violation(BUSINESS_RULE_VIOLATION, where + " has unit price " + price
                            + "; a unit price must be a number of zero or more"));
                }
            }
        }
        return violations;
    }

    /** Salesforce's required fields on the mapped records. */
    public List<Violation> checkMapped(String orderKey, JsonNode mapped) {
        List<Violation> violations = new ArrayList<>();
        JsonNode contact = mapped.path("contact");
        if (contact.path("fields").path("LastName").asText("").isBlank()) {
            violations.add(new Violation(REQUIRED_FIELD_MISSING, "Required fields are missing: [LastName] — the customer "
                    + "of order " + orderKey + " (Clarity contact " + contact.path("key").asText() + ") has no last name, "
                    + "so it cannot become a Salesforce Contact. Add the last name in Clarity and retry."));
        }
        JsonNode account = mapped.path("account");
        if (account.path("fields").path("Name").asText("").isBlank()) {
            violations.add(new Violation(REQUIRED_FIELD_MISSING, "Required fields are missing: [Name] — the account of order "
                    + orderKey + " (Clarity account " + account.path("key").asText() + ") has no name and its contact no full name"));
        }
        return violations;
    }
}
