package dev.tandem.sandbox.clarity.generate;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/** Small text helpers of the generator. */
final class Text {

    private Text() {
    }

    static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** Lower-case ASCII for e-mail local parts and SEO URLs: "Müller" → "muller", "Ó Briain" → "obriain". */
    static String ascii(String text) {
        String decomposed = Normalizer.normalize(text.replace("ß", "ss"), Normalizer.Form.NFD);
        return decomposed.replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    static String slug(String text) {
        String decomposed = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
        return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }

    /** Replaces every {@code #} of a pattern by a random digit. */
    static String digits(Random random, String pattern) {
        StringBuilder sb = new StringBuilder(pattern.length());
        for (char c : pattern.toCharArray()) {
            sb.append(c == '#' ? (char) ('0' + random.nextInt(10)) : c);
        }
        return sb.toString();
    }
}
