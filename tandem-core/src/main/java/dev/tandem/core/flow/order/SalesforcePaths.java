package dev.tandem.core.flow.order;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Building resource paths for graph nodes. */
final class SalesforcePaths {

    private SalesforcePaths() {
    }

    /**
     * Encodes an external id value as one path segment. Salesforce wants values URL-encoded
     * (salesforce-api.md §2.4); {@code URLEncoder} encodes for forms, so its {@code +} becomes {@code %20}.
     */
    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
