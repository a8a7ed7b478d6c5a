package dev.tandem.server.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flow files between YAML and JSON for the designer: read as a tree whose keys keep the file's order, written back
 * with Jackson's YAML module in the style of the shipped files (block style, quotes only where YAML needs them,
 * multi-line strings as literal blocks), and the path of the node at a line and column, so that a loader problem
 * ({@code file:line:column}) can be put on the step that has it. A change is written into the text it was read from
 * by {@link YamlPatch} (small edits; comments and styles of the untouched lines stay as they were). Only a file that
 * cannot be edited that way (anchors and aliases, merge keys) is written whole, and then loses its comments: the YAML
 * data model has none (https://yaml.org/spec/1.2.2/#3221-comments, "a presentation detail").
 */
public final class FlowYaml {

    /** The first lines of a file the designer wrote whole (one it could not edit in place). */
    public static final String HEADER = "# Written by the Tandem console's flow designer (PUT /api/v1/flows/{id}/definition).\n"
            + "# The file it replaced could not be edited in place (anchors, aliases or merge keys), so its comments\n"
            + "# are not kept; git keeps the earlier text.\n";

    /** A written flow file: its text, and whether it was edited in place (comments kept) or written whole. */
    public record Written(String yaml, boolean commentsKept) {
    }

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final Pattern STEP = Pattern.compile("^(.*(?:steps|otherwise)/\\d+)");

    private FlowYaml() {
    }

    /** The YAML text as a JSON tree, keys in the file's order. */
    public static JsonNode read(String yaml) {
        try {
            JsonNode n = YAML.readTree(yaml);
            return n == null ? YAML.createObjectNode() : n;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the flow file is not valid YAML: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The flow as the text of {@code original} changed where the flow differs from it (comments, blank lines and the
     * styles of untouched values kept); when that cannot be done, the whole flow written anew.
     */
    public static Written write(String original, ObjectNode flow) {
        if (original != null) {
            java.util.Optional<String> patched = YamlPatch.apply(original, flow, YAML);
            if (patched.isPresent()) {
                return new Written(patched.get(), true);
            }
        }
        return new Written(write(flow), false);
    }

    /** The flow as YAML text, keys in the order given. */
    public static String write(ObjectNode flow) {
        try {
            return HEADER + YAML.writeValueAsString(flow);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The step a path is in ({@code steps/2/choice/when/0/steps/1} for one of its fields), or null. */
    public static String stepOf(String path) {
        Matcher m = STEP.matcher(path);
        return m.find() ? m.group(1) : null;
    }

    /** Where each node of a YAML text starts, to find the path of a position. */
    public static Paths paths(String yaml) {
        TreeMap<Long, String> at = new TreeMap<>();
        // The deepest path wins at a position (a step's map starts where its kind's key does).
        dev.tandem.core.flow.YamlLocations.walk(yaml, (path, pos) -> at.merge((long) pos.line() << 20 | pos.column(),
                path, (old, now) -> now.length() > old.length() ? now : old));
        return new Paths(at, read(yaml));
    }

    /** Node paths by position ({@code steps/3/filter/when}). */
    public static final class Paths {
        private final TreeMap<Long, String> at;
        private final JsonNode tree;

        Paths(TreeMap<Long, String> at, JsonNode tree) {
            this.at = at;
            this.tree = tree;
        }

        /** The path of the node starting at or last before the position; null when none. */
        public String at(int line, int column) {
            Map.Entry<Long, String> e = at.floorEntry((long) line << 20 | Math.max(column, 0));
            return e == null || e.getValue().isEmpty() ? null : e.getValue();
        }

        /** The path of the first transform step naming the mapping file, for a problem inside that file; or null. */
        public String stepNaming(String file) {
            String name = java.nio.file.Path.of(file.replaceFirst("^classpath:", "")).getFileName().toString();
            return find(tree.path("steps"), "steps", name);
        }

        private static String find(JsonNode steps, String path, String mapping) {
            for (int i = 0; i < steps.size(); i++) {
                JsonNode step = steps.get(i);
                String p = path + "/" + i;
                if (mapping.equals(step.path("transform").path("mapping").asText(null))) {
                    return p;
                }
                JsonNode choice = step.path("choice");
                for (int w = 0; w < choice.path("when").size(); w++) {
                    String f = find(choice.path("when").get(w).path("steps"), p + "/choice/when/" + w + "/steps", mapping);
                    if (f != null) {
                        return f;
                    }
                }
                String f = find(choice.path("otherwise"), p + "/choice/otherwise", mapping);
                if (f == null) {
                    f = find(step.path("split").path("steps"), p + "/split/steps", mapping);
                }
                if (f != null) {
                    return f;
                }
            }
            return null;
        }
    }
}
