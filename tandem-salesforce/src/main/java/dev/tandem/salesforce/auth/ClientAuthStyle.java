package dev.tandem.salesforce.auth;

/**
 * How the consumer key and secret are sent to the token endpoint (salesforce-api.md §1.2: both are seen in real
 * clients, and Salesforce accepts both).
 */
public enum ClientAuthStyle {
    /** {@code Authorization: Basic base64(key:secret)} (simple-salesforce); keeps the secret out of the form body. */
    BASIC,
    /** {@code client_id} and {@code client_secret} form fields (restforce). */
    FORM
}
