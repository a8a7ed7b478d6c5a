package dev.tandem.salesforce.auth;

/** The OAuth 2.0 flows the connector can authenticate with (salesforce-api.md §1.2-§1.4). */
public enum OAuthFlow {
    /** §1.2: consumer key and secret for a token running as the app's integration user (My Domain host only). */
    CLIENT_CREDENTIALS,
    /** §1.3: an RS256-signed assertion for a pre-approved user; no secret and no refresh token. */
    JWT_BEARER,
    /** §1.4: a refresh token obtained once interactively, exchanged for access tokens. */
    REFRESH_TOKEN
}
