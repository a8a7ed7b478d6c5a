package dev.tandem.core.flow.order;

/**
 * A reason an order cannot be sent to Salesforce.
 *
 * @param code    {@code BUSINESS_RULE_VIOLATION}, or the Salesforce error code the record would get
 *                (e.g. {@code REQUIRED_FIELD_MISSING}), so an operator sees the same code whichever side caught it
 * @param message what is wrong and where, in words an operator can act on
 */
public record Violation(String code, String message) {
}
