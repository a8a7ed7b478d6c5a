package dev.tandem.salesforce.client;

import dev.tandem.salesforce.model.ApiUsage;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the {@code Sforce-Limit-Info} response header (salesforce-api.md §2.7). Salesforce sends it on every data-API
 * response in several forms: {@code api-usage=18/5000}, {@code api-usage=10018/100000; api-bursts=1/750}, or
 * {@code api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)}. Only the org-wide
 * {@code api-usage} item is read; {@code per-app-api-usage} must not be mistaken for it.
 */
public final class LimitInfoHeader {

    public static final String NAME = "Sforce-Limit-Info";

    private static final Pattern API_USAGE = Pattern.compile("(?:^|[;,\\s])api-usage\\s*=\\s*(\\d{1,18})\\s*/\\s*(\\d{1,18})");

    private LimitInfoHeader() {
    }

    /** The org's API usage, or empty when the header is absent or has no {@code api-usage} item. */
    public static Optional<ApiUsage> parse(String headerValue) {
        if (headerValue == null) {
            return Optional.empty();
        }
        Matcher m = API_USAGE.matcher(headerValue);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new ApiUsage(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
    }
}
