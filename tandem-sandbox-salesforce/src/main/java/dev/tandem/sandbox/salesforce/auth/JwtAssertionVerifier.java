package dev.tandem.sandbox.salesforce.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Checks the assertion of a JWT bearer grant the way Salesforce does (spec §1.3): compact JWS, {@code alg} RS256
 * only, signature verified with the connected app's certificate, {@code iss} = consumer key, {@code aud} = the
 * login URL, {@code exp} in the future with a 3-minute clock-skew allowance, {@code sub} = a pre-approved user.
 * The JWT is decoded with the JDK (Base64url, {@link Signature}) and Jackson, the only libraries this module has.
 */
final class JwtAssertionVerifier {

    /** "Salesforce allows a 3-minute buffer for clock skew" (spec §1.3). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(3);
    /** A real assertion is a few hundred bytes; anything this large is refused before it is decoded. */
    static final int MAX_ASSERTION_CHARS = 16 * 1024;

    /** Why an assertion was refused: the OAuth error and its description (spec §1.6). */
    record Rejection(String error, String description) {
    }

    /** The claims of an accepted assertion. */
    record Claims(String issuer, String subject) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String clientId;
    private final PublicKey key;
    private final Set<String> users;
    private final Supplier<List<String>> audiences;
    private final Clock clock;

    /** @param key null when no certificate was uploaded to the connected app: every assertion is refused */
    JwtAssertionVerifier(String clientId, PublicKey key, Set<String> users, Supplier<List<String>> audiences,
            Clock clock) {
        this.clientId = clientId;
        this.key = key;
        this.users = Set.copyOf(users);
        this.audiences = audiences;
        this.clock = clock;
    }

    /** The claims when the assertion is valid, otherwise the rejection (never both). */
    Result verify(String assertion) {
        if (assertion == null || assertion.isBlank() || assertion.length() > MAX_ASSERTION_CHARS) {
            return Result.rejected(invalidAssertion());
        }
        String[] parts = assertion.trim().split("\\.", -1);
        if (parts.length != 3) {
            return Result.rejected(invalidAssertion());
        }
        JsonNode header = decodeJson(parts[0]).orElse(null);
        JsonNode claims = decodeJson(parts[1]).orElse(null);
        byte[] signature = decode(parts[2]).orElse(null);
        if (header == null || claims == null || signature == null || !header.isObject() || !claims.isObject()) {
            return Result.rejected(invalidAssertion());
        }
        // "In Salesforce, only the RS256 algorithm is supported" (spec §1.3); "none" is never accepted.
        if (!"RS256".equals(header.path("alg").asText())) {
            return Result.rejected(invalidAssertion());
        }
        // The consumer key selects the connected app, and with it the certificate to verify against.
        if (!clientId.equals(claims.path("iss").asText(null))) {
            return Result.rejected(new Rejection("invalid_client_id", "client identifier invalid"));
        }
        if (key == null || !signatureMatches(parts[0] + "." + parts[1], signature)) {
            return Result.rejected(invalidAssertion());
        }
        if (!audienceMatches(claims.get("aud"))) {
            // Not among the §1.6 examples; the wording is what orgs answer for a wrong login host [inferred].
            return Result.rejected(new Rejection("invalid_grant", "audience is invalid"));
        }
        Optional<Instant> expiry = epochSeconds(claims.get("exp"));
        if (expiry.isEmpty()) {
            return Result.rejected(invalidAssertion());
        }
        if (!clock.instant().isBefore(expiry.get().plus(CLOCK_SKEW))) {
            // Verbatim answer to an expired assertion (spec §1.3, stackexchange 282513).
            return Result.rejected(new Rejection("invalid_grant", "expired authorization code"));
        }
        String subject = claims.path("sub").asText(null);
        if (subject == null || !users.contains(subject)) {
            // The user is unknown or has not pre-authorised the app (spec §1.3, §1.6).
            return Result.rejected(new Rejection("invalid_grant", "user hasn't approved this consumer"));
        }
        return Result.accepted(new Claims(clientId, subject));
    }

    /** Either the claims or the rejection. */
    record Result(Claims claims, Rejection rejection) {

        static Result accepted(Claims claims) {
            return new Result(claims, null);
        }

        static Result rejected(Rejection rejection) {
            return new Result(null, rejection);
        }
    }

    private static Rejection invalidAssertion() {
        return new Rejection("invalid_grant", "invalid assertion");
    }

    private boolean signatureMatches(String signingInput, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key of the wrong type or a signature of the wrong length: not a valid RS256 signature.
            return false;
        }
    }

    /** {@code aud} is a string or an array of strings (RFC 7519 §4.1.3); any accepted login URL matches. */
    private boolean audienceMatches(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        List<String> values = new ArrayList<>();
        if (aud.isArray()) {
            aud.forEach(v -> values.add(v.asText()));
        } else if (aud.isTextual()) {
            values.add(aud.asText());
        }
        List<String> accepted = audiences.get().stream().map(JwtAssertionVerifier::withoutTrailingSlash).toList();
        return values.stream().map(JwtAssertionVerifier::withoutTrailingSlash).anyMatch(accepted::contains);
    }

    /** {@code exp} is epoch seconds, as a number or — as in the help page's example — a numeric string (§1.3). */
    private static Optional<Instant> epochSeconds(JsonNode exp) {
        if (exp == null) {
            return Optional.empty();
        }
        if (exp.isIntegralNumber() || exp.isFloatingPointNumber()) {
            return Optional.of(Instant.ofEpochSecond(exp.asLong()));
        }
        if (exp.isTextual()) {
            try {
                return Optional.of(Instant.ofEpochSecond(Long.parseLong(exp.asText().trim())));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonNode> decodeJson(String part) {
        return decode(part).flatMap(bytes -> {
            try {
                return Optional.ofNullable(MAPPER.readTree(bytes));
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    private static Optional<byte[]> decode(String part) {
        try {
            return Optional.of(Base64.getUrlDecoder().decode(part));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
