package dev.tandem.clarity.webhook;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;
import java.util.List;

/**
 * How Clarity webhooks are accepted ({@code clarity.webhook.*} in tandem.yaml, {@link #SPEC}).
 *
 * @param secrets      the shared secrets of {@code X-Clarity-Signature} (see {@link WebhookSignatureVerifier}),
 *                     current first; empty when Clarity changes arrive only by polling
 * @param tolerance    how far a signature timestamp may be from now
 * @param allowedCidrs the addresses allowed to post webhooks ({@link CidrAllowlist}); empty = any
 */
public record WebhookSettings(List<String> secrets, Duration tolerance, List<String> allowedCidrs) {

    /** One entry of {@code allowedCidrs}, checked by {@link CidrAllowlist#parse}. */
    private static final Type<String> CIDR = Type.scalar("CIDR", text -> {
        try {
            CidrAllowlist.parse(List.of(text));
            return text;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not an address or CIDR block: " + e.getMessage(), e);
        }
    }, s -> s);

    /** The keys of {@code clarity.webhook}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<List<String>> SECRETS = SPEC.optional("secrets", Type.listOf(Type.STRING),
            "required unless `ingest: poll`", Validator.quiet("", l -> !l.isEmpty() && l.stream().noneMatch(String::isBlank),
                    "must list one or more non-empty secrets"),
            "shared secret(s) for `X-Clarity-Signature`; list two during a rotation; use `${CLARITY_WEBHOOK_SECRET}`");
    private static final ConfigSpec.Key<Duration> TOLERANCE = SPEC.define("tolerance", Type.DURATION,
            WebhookSignatureVerifier.DEFAULT_TOLERANCE, Validator.positive(),
            "how old (or how far in the future) a signature timestamp may be");
    private static final ConfigSpec.Key<List<String>> ALLOWED_CIDRS = SPEC.define("allowedCidrs", Type.listOf(CIDR),
            List.of(), "addresses allowed to post webhooks (empty = any), e.g. `[10.0.0.0/8, \"2001:db8::/32\"]`; "
                    + "others get 403. The peer address of the connection is checked: behind a reverse proxy, list "
                    + "the proxy");

    public WebhookSettings {
        secrets = List.copyOf(secrets);
        allowedCidrs = List.copyOf(allowedCidrs);
    }

    /**
     * The settings of a {@code clarity.webhook} section parsed with {@link #SPEC}.
     *
     * @param webhooks whether webhooks are accepted at all; then {@code secrets} is required
     */
    public static WebhookSettings from(Config c, boolean webhooks) {
        List<String> secrets = c.get(SECRETS);
        if (webhooks && secrets == null) {
            throw c.invalid(SECRETS, "is required (one or more shared secrets for X-Clarity-Signature)");
        }
        return c.build(() -> new WebhookSettings(secrets == null ? List.of() : secrets, c.get(TOLERANCE),
                c.get(ALLOWED_CIDRS)));
    }
}
