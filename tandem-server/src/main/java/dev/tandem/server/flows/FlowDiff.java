package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.tandem.core.flow.FlowSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between two loaded versions of a flow, as an integration engineer reviews a change: the definition
 * compared as a tree (a changed rule message reads {@code ~ steps[3].validate.rules[1].message: "a" → "b"}, a new
 * step {@code + steps[4]: {enrich: …}}), then a unified diff of each mapping file that changed. Both sides are
 * compared as loaded, so formatting, comments and key order of the YAML make no difference.
 */
public final class FlowDiff {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CONTEXT_LINES = 2;

    private FlowDiff() {
    }

    /** The differences, one per line; empty when the two flows are the same. */
    public static List<String> between(FlowSpec a, FlowSpec b) {
        return between(JSON.valueToTree(a.definition()), a.mappingSources(), a.example(),
                JSON.valueToTree(b.definition()), b.mappingSources(), b.example());
    }

    /**
     * The same for two versions as stored ({@link dev.tandem.core.flow.FlowVersionStore}): each side's definition as
     * JSON, its mapping files by name and its example record's text.
     */
    public static List<String> between(JsonNode definitionA, Map<String, String> mappingsA, String exampleA,
                                       JsonNode definitionB, Map<String, String> mappingsB, String exampleB) {
        List<String> out = new ArrayList<>();
        compare("", definitionA, definitionB, out);
        Set<String> mappings = new TreeSet<>(mappingsA.keySet());
        mappings.addAll(mappingsB.keySet());
        for (String name : mappings) {
            String left = mappingsA.get(name);
            String right = mappingsB.get(name);
            if (left == null) {
                out.add("+ mapping " + name + " (" + right.lines().count() + " lines)");
            } else if (right == null) {
                out.add("- mapping " + name);
            } else if (!left.equals(right)) {
                List<String> l = left.lines().toList();
                List<String> r = right.lines().toList();
                Patch<String> patch = DiffUtils.diff(l, r);
                out.addAll(UnifiedDiffUtils.generateUnifiedDiff("a/" + name, "b/" + name, l, patch, CONTEXT_LINES));
            }
        }
        if (!exampleA.equals(exampleB)) {
            out.add("~ example record differs");
        }
        return out;
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<String> out) {
        if (a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                String p = path.isEmpty() ? key : path + "." + key;
                compare(p, a.path(key), b.path(key), out);
            }
        } else if (a.isArray() && b.isArray()) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                compare(path + "[" + i + "]", a.path(i), b.path(i), out);
            }
        } else if (a.isMissingNode() || a.isNull() && !b.isNull()) {
            out.add("+ " + path + ": " + brief(b));
        } else if (b.isMissingNode() || b.isNull()) {
            out.add("- " + path + ": " + brief(a));
        } else {
            out.add("~ " + path + ": " + brief(a) + " → " + brief(b));
        }
    }

    /** A value on one line, shortened so a whole new step does not flood the terminal. */
    private static String brief(JsonNode value) {
        if (value instanceof MissingNode) {
            return "(none)";
        }
        String text = value.toString();
        return text.length() <= 160 ? text : text.substring(0, 157) + "...";
    }
}
