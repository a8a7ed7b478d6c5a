package dev.tandem.core.connector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The headers of a webhook request, looked up case-insensitively: HTTP field names are case-insensitive
 * (RFC 9110 §5.1, https://www.rfc-editor.org/rfc/rfc9110#section-5.1), and HTTP/2 sends them in lower case.
 */
public final class WebhookHeaders {

    private static final WebhookHeaders NONE = new WebhookHeaders(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

    private final TreeMap<String, List<String>> values;

    private WebhookHeaders(TreeMap<String, List<String>> values) {
        this.values = values;
    }

    /** Headers with every value of each name, in the order received; names differing only in case are merged. */
    public static WebhookHeaders of(Map<String, ? extends Collection<String>> headers) {
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, list) -> map.computeIfAbsent(name, n -> new ArrayList<>()).addAll(list));
        map.replaceAll((name, list) -> List.copyOf(list));
        return new WebhookHeaders(map);
    }

    /** Headers with one value per name. */
    public static WebhookHeaders single(Map<String, String> headers) {
        TreeMap<String, List<String>> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> map.computeIfAbsent(name, n -> new ArrayList<>()).add(value));
        map.replaceAll((name, list) -> List.copyOf(list));
        return new WebhookHeaders(map);
    }

    public static WebhookHeaders none() {
        return NONE;
    }

    /** The first value of the header, whatever the case of {@code name}. */
    public Optional<String> first(String name) {
        List<String> list = values.get(name);
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.getFirst());
    }

    /** Every value of the header, in order; empty when absent. */
    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    /** The names, lower case. */
    public List<String> names() {
        return Collections.unmodifiableList(values.keySet().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    @Override
    public String toString() {
        return "WebhookHeaders" + names();
    }
}
