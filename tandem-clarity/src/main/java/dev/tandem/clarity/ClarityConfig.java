package dev.tandem.clarity;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Clarity eCommerce (CEF) install.
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
