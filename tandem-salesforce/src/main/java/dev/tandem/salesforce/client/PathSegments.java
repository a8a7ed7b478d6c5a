package dev.tandem.salesforce.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Builds safe URL pieces for REST resources. */
public final class PathSegments {

    /** sObject and field API names: letters, digits and underscores ({@code Order}, {@code Clarity_Order_Key__c}). */
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

    private PathSegments() {
    }

    /**
     * Percent-encodes a value for use as one path segment: external-id values may contain {@code /}, spaces or
     * {@code @} and must be URL-encoded (salesforce-api.md §2.4). {@link URLEncoder} writes form encoding, whose
     * {@code +} means a space only in query strings, so spaces become {@code %20}, which means a space in paths and
     * query strings alike (used for SOQL in {@code ?q=} too).
     */
    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Checks an sObject or field API name before it goes into a URL, so a name can never change the resource
     * addressed (e.g. {@code Account/../..}).
     */
    public static String apiName(String name, String what) {
        if (name == null || !API_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " is not a valid API name: " + name);
        }
        return name;
    }

    /** Checks a record id or external-id value: non-blank. */
    public static String value(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
