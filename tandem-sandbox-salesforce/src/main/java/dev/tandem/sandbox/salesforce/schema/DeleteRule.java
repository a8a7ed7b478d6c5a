package dev.tandem.sandbox.salesforce.schema;

/** What deleting the parent of a reference does to the children that point at it. */
public enum DeleteRule {
    /** Children are deleted with the parent (master-detail style: Contact of an Account, OrderItem of an Order). */
    CASCADE,
    /** The parent cannot be deleted while live children point at it. */
    RESTRICT,
    /** The lookup on the children is cleared. */
    SET_NULL
}
