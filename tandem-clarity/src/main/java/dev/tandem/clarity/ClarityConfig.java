package dev.tandem.clarity;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Clarity eCommerce (CEF) install: the connection keys of {@code clarity.*} in tandem.yaml
 * ({@link #SPEC}).
 *
 * @param baseUrl        the API root including its path, e.g.
 *                       {@code https://shop.example.com/DesktopModules/ClarityEcommerce/API} (clarity-api.md §1);
 *                       a trailing slash is removed
 * @param username       the integration user (CEF's own integration role is "Clarity Connect Data", §4)
 * @param password       its password (never logged; {@link #toString()} redacts it)
 * @param requestTimeout the timeout of every HTTP request (and of connecting)
 */
public record ClarityConfig(URI baseUrl, String username, String password, Duration requestTimeout) {

    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** The connection keys of the {@code clarity} section (the server adds the ingestion keys). */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<URI> BASE_URL = SPEC.required("baseUrl", Type.URL,
            "CEF API root, e.g. `https://shop.example.com/DesktopModules/ClarityEcommerce/API` (no query; a trailing "
                    + "slash is dropped)");
    private static final ConfigSpec.Key<String> USERNAME = SPEC.required("username", Type.STRING,
            "the integration user Tandem logs in as (`POST /auth/identity`)");
    private static final ConfigSpec.Key<String> PASSWORD = SPEC.required("password", Type.STRING,
            "its password; use `${CLARITY_PASSWORD}`");
    private static final ConfigSpec.Key<Duration> REQUEST_TIMEOUT = SPEC.define("requestTimeout", Type.DURATION,
            DEFAULT_REQUEST_TIMEOUT, Validator.positive(), "timeout of one Clarity request");

    /** A null {@code requestTimeout} takes the default. */
    public ClarityConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"https".equalsIgnoreCase(baseUrl.getScheme()) && !"http".equalsIgnoreCase(baseUrl.getScheme())
                || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, got: " + baseUrl);
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment, got: " + baseUrl);
        }
        String text = baseUrl.toString();
        if (text.endsWith("/")) {
            baseUrl = URI.create(text.substring(0, text.length() - 1));
        }
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("username must not be blank");
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password must not be empty");
        }
        requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got: " + requestTimeout);
        }
    }

    /** The configuration of a {@code clarity} section parsed with a spec that includes {@link #SPEC}. */
    public static ClarityConfig from(Config c) {
        return c.build(() -> new ClarityConfig(c.get(BASE_URL), c.get(USERNAME), c.get(PASSWORD),
                c.get(REQUEST_TIMEOUT)));
    }

    /** A configuration with the default timeout. */
    public static ClarityConfig of(URI baseUrl, String username, String password) {
        return new ClarityConfig(baseUrl, username, password, null);
    }

    public ClarityConfig withRequestTimeout(Duration timeout) {
        return new ClarityConfig(baseUrl, username, password, timeout);
    }

    /** The absolute URL of a resource below the base, e.g. {@code resolve("/Ordering/SalesOrder/ID/5001")}. */
    public URI resolve(String path) {
        return URI.create(baseUrl + (path.startsWith("/") ? path : "/" + path));
    }

    /** Redacts the password (architecture invariant 6: secrets never in logs). */
    @Override
    public String toString() {
        return "ClarityConfig[baseUrl=" + baseUrl + ", username=" + username + ", password=<redacted>"
                + ", requestTimeout=" + requestTimeout + "]";
    }
}
