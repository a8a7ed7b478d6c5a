package dev.tandem.server.config;

import dev.tandem.core.config.ConfigSpec;

/**
 * The tables of docs/configuration.md, generated from {@link TandemConfig#SPEC} ({@code tandem config docs}). They
 * sit between two marker comments; the prose around them is written by hand and kept.
 */
public final class ConfigDocs {

    public static final String BEGIN = "<!-- BEGIN GENERATED: config tables (./tandem config docs --write docs/configuration.md) -->";
    public static final String END = "<!-- END GENERATED -->";

    private ConfigDocs() {
    }

    /** One table per top-level section, each under a heading naming it. */
    public static String tables() {
        StringBuilder out = new StringBuilder();
        for (String section : TandemConfig.SPEC.names()) {
            ConfigSpec spec = TandemConfig.SPEC.sectionSpec(section);
            out.append(out.isEmpty() ? "" : "\n").append("### `").append(section).append(".*`\n\n")
                    .append(spec.markdownTable(section));
        }
        return out.toString();
    }

    /**
     * {@code markdown} with what is between the markers replaced by {@link #tables()}.
     *
     * @throws IllegalArgumentException when the markers are missing, repeated or out of order
     */
    public static String rewrite(String markdown) {
        int begin = markdown.indexOf(BEGIN);
        int end = markdown.indexOf(END);
        if (begin < 0 || end < begin || markdown.indexOf(BEGIN, begin + 1) >= 0 || markdown.indexOf(END, end + 1) >= 0) {
            throw new IllegalArgumentException("the file needs one line " + BEGIN + " and, after it, one line " + END
                    + " around the generated tables");
        }
        return markdown.substring(0, begin + BEGIN.length()) + "\n\n" + tables() + "\n" + markdown.substring(end);
    }
}
