package dev.tandem.core.flow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values of a flow's credential references, {@code ${env:NAME}}, read from the environment when the flow loads
 * (a flow file names a secret, never holds it). {@link #redact} takes them out of any text a step reports, and
 * {@link #toString()} never shows them, so neither the audit trail, a dead letter, a log line nor
 * {@code tandem flows show} carries a credential.
 */
public final class Secrets {

    /** {@code ${env:NAME}}, NAME as POSIX names environment variables (IEEE Std 1003.1, 8.1 "Environment Variable Definition"). */
    public static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Secrets NONE = new Secrets(Map.of());

    private final Map<String, String> values;
    private final List<String> redactable;

    private Secrets(Map<String, String> values) {
        this.values = Map.copyOf(values);
        List<String> forms = new ArrayList<>();
        for (String v : this.values.values()) {
            forms.add(v);
            String encoded = URLEncoder.encode(v, StandardCharsets.UTF_8);
            if (!encoded.equals(v)) {
                forms.add(encoded);
                forms.add(encoded.replace("+", "%20"));
            }
        }
        forms.sort(Comparator.comparingInt(String::length).reversed()); // a longer secret before one it contains
        this.redactable = List.copyOf(forms);
    }

    public static Secrets none() {
        return NONE;
    }

    public static Secrets of(Map<String, String> values) {
        return values.isEmpty() ? NONE : new Secrets(values);
    }

    /** The names referenced in a text, in order. */
    public static List<String> references(String text) {
        List<String> names = new ArrayList<>();
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The text with every reference replaced by its value ({@code encode} applied to each value). */
    public String resolve(String text, Function<String, String> encode) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            if (v == null) {
                throw new IllegalStateException("credential reference ${env:" + m.group(1) + "} was not resolved when the flow loaded");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(encode.apply(v)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The text with every secret value (also percent-encoded) replaced by {@code ***}. */
    public String redact(String text) {
        if (text == null || redactable.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : redactable) {
            out = out.replace(secret, "***");
        }
        return out;
    }

    @Override
    public String toString() {
        return "Secrets" + values.keySet().stream().sorted().toList() + " (values redacted)";
    }
}
