package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes accepted suggestions as a flow mapping file: a JSONata expression returning the write plan of a
 * {@code transform} step (docs/flows.md: {@code {"root", "records": [{"ref", "entity", "keyField", "key",
 * "fields"}]}}). The suggestions sit between the {@link #BEGIN} and {@link #END} markers in an object of their
 * own, {@code $suggested}; the fields are {@code $merge([$suggested, $yours])}, so what a person writes in
 * {@code $yours} (or anywhere else in the file) wins. A later run rewrites only the marked block, and leaves out every
 * target the rest of the file already writes (found by running the file, with the block emptied, on the sample
 * records): those are listed as kept.
 */
public final class MappingFile {

    public static final String BEGIN = "/* tandem:suggested:begin */";
    public static final String END = "/* tandem:suggested:end */";

    /** One accepted suggestion: target field, its expression, the source path and its score. */
    public record Entry(String target, String expression, String source, double score) {
    }

    /** The file's new text, what was added from the suggestions, and the targets a person's entries keep. */
    public record Written(String text, List<Entry> added, List<String> kept) {
    }

    private MappingFile() {
    }

    /**
     * The mapping for {@code accepted} (best first per target; a target is written once), merged into
     * {@code existing} when given.
     */
    public static Written write(Optional<String> existing, String name, String targetObject, String keyField,
                                String keyExpression, String header, List<Entry> accepted, JsonNode records) {
        Set<String> kept = new LinkedHashSet<>();
        String template;
        if (existing.isPresent()) {
            String text = existing.get();
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            if (begin < 0 || end < begin || text.indexOf(BEGIN, begin + 1) >= 0) {
                throw new SuggestInputException(name + " was not written by tandem map suggest (it needs one "
                        + BEGIN + " … " + END + " block inside an object); write the suggestions to a new file");
            }
            template = text.substring(0, begin + BEGIN.length()) + "\u0000" + text.substring(end);
            kept.addAll(targetsWritten(name, template.replace("\u0000", "\n    "), targetObject, records));
        } else {
            template = skeleton(targetObject, keyField, keyExpression, header);
        }
        Map<String, Entry> byTarget = new LinkedHashMap<>();
        for (Entry e : accepted) {
            if (!kept.contains(e.target())) {
                byTarget.merge(e.target(), e, (a, b) -> a.score() >= b.score() ? a : b);
            }
        }
        List<Entry> added = new ArrayList<>(byTarget.values());
        StringBuilder block = new StringBuilder("\n");
        for (int i = 0; i < added.size(); i++) {
            Entry e = added.get(i);
            block.append("    /* ").append(String.format(Locale.ROOT, "%.2f", e.score())).append(" from ")
                    .append(e.source().replace("*/", "* /")).append(" */\n    ")
                    .append(ExpressionProposer.string(e.target())).append(": ").append(e.expression())
                    .append(i + 1 < added.size() ? "," : "").append('\n');
        }
        block.append("    ");
        String text = template.replace("\u0000", block.toString());
        try {
            JsonataMapping.compile(name, text);
        } catch (MappingException e) {
            throw new SuggestInputException(name + ": the merged mapping does not compile (" + e.getMessage() + ")");
        }
        return new Written(text, added, List.copyOf(kept));
    }

    static String skeleton(String targetObject, String keyField, String keyExpression, String header) {
        return "/*\n  " + header.replace("*/", "* /") + "\n"
                + "  The suggestions accepted (score at or above the threshold) are between the tandem:suggested markers:\n"
                + "  the next `tandem map suggest --write-mapping` rewrites that block. Write your own entries into $yours:\n"
                + "  they win over the suggestions, and later runs keep them (and suggest nothing for those fields).\n"
                + "  The result is the write plan of a flow's transform step (docs/flows.md).\n*/\n"
                + "(\n"
                + "  $suggested := {\n    " + BEGIN + "\u0000" + END + "\n  };\n"
                + "  $yours := {\n  };\n"
                + "  {\n"
                + "    \"root\": \"record\",\n"
                + "    \"records\": [{\n"
                + "      \"ref\": \"record\",\n"
                + "      \"entity\": " + ExpressionProposer.string(targetObject) + ",\n"
                + "      \"keyField\": " + ExpressionProposer.string(keyField) + ",\n"
                + "      \"key\": " + keyExpression + ",\n"
                + "      \"fields\": $merge([$suggested, $yours])\n"
                + "    }]\n"
                + "  }\n"
                + ")\n";
    }

    /** The fields of {@code targetObject} the mapping writes for any of the sample records. */
    static Set<String> targetsWritten(String name, String text, String targetObject, JsonNode records) {
        JsonataMapping mapping;
        try {
            mapping = JsonataMapping.compile(name, text);
        } catch (MappingException e) {
            throw new SuggestInputException(name + " does not compile: " + e.getMessage());
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode record : records) {
            JsonNode plan;
            try {
                plan = mapping.apply(record);
            } catch (RuntimeException e) {
                throw new SuggestInputException(name + " fails on a sample record: " + e.getMessage());
            }
            for (JsonNode r : plan.path("records")) {
                if (r.path("entity").asText().equals(targetObject)) {
                    r.path("fields").fieldNames().forEachRemaining(out::add);
                }
            }
        }
        return out;
    }
}
