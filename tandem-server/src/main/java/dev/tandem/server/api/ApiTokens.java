package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Creating and checking admin API tokens: 32 random bytes from {@link SecureRandom}, base64url without padding,
 * prefixed {@code tdm_} so secret scanners can recognise a leaked one. The store keeps the SHA-256 of the token only
 * (ADR 17: a random 256-bit secret needs no slow password hash), and the secret is shown once, when created.
 */
public final class ApiTokens {

    public static final String PREFIX = "tdm_";
    /** Token names: what the audit log shows as the actor. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** {@code tdm_} and 43 base64url characters (32 bytes); anything else is refused before the store is asked. */
    private static final Pattern SHAPE = Pattern.compile("tdm_[A-Za-z0-9_-]{43}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ApiTokenStore store;
    private final Clock clock;

    public ApiTokens(ApiTokenStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A new token and, once only, its secret. */
    public record Issued(ApiToken token, String secret) {
    }

    /**
     * Creates a token of {@code role} named {@code name}.
     *
     * @throws IllegalArgumentException when the name is not 1-64 letters, digits, {@code . _ @ -}, or an active
     *                                  token has it already
     */
    public Issued create(String name, Role role) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a token name is 1-64 letters, digits, '.', '_', '@' or '-' "
                    + "(starting with a letter or digit)");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        ApiToken token = store.create(name, role.id(), hash(secret), clock.instant());
        return new Issued(token, secret);
    }

    /**
     * The active token whose secret this is. The row is found by the hash (an index look-up: what leaks through its
     * timing is about the hash, not the secret) and the hashes are compared again in constant time.
     */
    public Optional<ApiToken> authenticate(String secret) {
        if (secret == null || !SHAPE.matcher(secret).matches()) {
            return Optional.empty();
        }
        String hash = hash(secret);
        return store.findByHash(hash)
                .filter(t -> MessageDigest.isEqual(t.tokenHash().getBytes(StandardCharsets.US_ASCII),
                        hash.getBytes(StandardCharsets.US_ASCII)))
                .filter(ApiToken::active);
    }

    /** Finds a token by its id (digits) or else by the name of an active one. */
    public Optional<ApiToken> find(String idOrName) {
        if (idOrName.chars().allMatch(Character::isDigit) && !idOrName.isEmpty() && idOrName.length() < 19) {
            Optional<ApiToken> byId = store.find(Long.parseLong(idOrName));
            if (byId.isPresent()) {
                return byId;
            }
        }
        return store.findActiveByName(idOrName);
    }

    /** The SHA-256 of the token's UTF-8 bytes, in lower-case hex. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public ApiTokenStore store() {
        return store;
    }
}
