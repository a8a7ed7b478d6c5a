package dev.tandem.salesforce.auth;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * An OAuth access token and the org it is valid for (salesforce-api.md §1.5).
 *
 * @param value       the bearer token ({@code 00D<org id>!<opaque>}); never logged, {@link #toString()} redacts it
 * @param instanceUrl the org's instance URL: every data-API call goes there (§9 "The token's instance_url must be the
 *                    address every later call goes to"), without a trailing slash
 * @param identityUrl the identity URL ({@code id}: {@code <login host>/id/<org id>/<user id>}), or empty text when the
 *                    response had none
 * @param issuedAt    when Salesforce issued the token ({@code issued_at}, epoch milliseconds), or when it was received
 *                    when the response had no {@code issued_at}
 */
public record AccessToken(String value, URI instanceUrl, String identityUrl, Instant issuedAt) {

    public AccessToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(instanceUrl, "instanceUrl");
        identityUrl = identityUrl == null ? "" : identityUrl;
        Objects.requireNonNull(issuedAt, "issuedAt");
    }

    /** Redacts the token (architecture invariant 6). */
    @Override
    public String toString() {
        return "AccessToken[instanceUrl=" + instanceUrl + ", identityUrl=" + identityUrl + ", issuedAt=" + issuedAt
                + ", value=<redacted>]";
    }
}
