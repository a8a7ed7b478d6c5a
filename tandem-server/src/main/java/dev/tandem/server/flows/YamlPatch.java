package dev.tandem.server.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.yaml.snakeyaml.DumperOptions.FlowStyle;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.CollectionNode;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A changed flow written back into the text it was read from, as a set of small edits, so that everything the change
 * does not touch — comments, blank lines, key order, quoting, {@code { a: b }} and {@code >-} styles — stays byte for
 * byte as it was (what a person reviewing the Git diff of a designer save expects to see: the lines that changed).
 *
 * <p>How: SnakeYAML composes the original text into nodes that carry their start and end positions
 * (https://bitbucket.org/snakeyaml/snakeyaml/wiki/Documentation, "Low Level API": compose); the old and the new JSON
 * trees are compared node by node. A changed scalar is replaced in place, in its own style where that style can hold
 * the new value; a removed map entry or list item is cut out with the comment lines directly above it; a new one is
 * rendered by Jackson's YAML writer (the caller's style) and put in at the right indentation; a list is aligned by its
 * longest common subsequence, so inserting, removing or moving one step leaves the others' lines alone (a moved step
 * keeps its own text and comments). What cannot be edited in place (a block scalar, a type change) re-renders the
 * smallest enclosing entry or item. The result is parsed again and must equal the new tree; if it does not, or the
 * text uses anchors, aliases or merge keys, {@link #apply} returns empty and the caller writes the whole file.
 *
 * <p>The root may be a mapping (a flow file, a lookup table keyed by its key) or a list (a lookup table's rows); an
 * empty root ({@code {}} or {@code []}, as the shipped tables' templates are) is replaced in block style where it
 * stands, the comments around it kept. Used for flow files (designer saves) and YAML lookup tables (console saves).
 */
public final class YamlPatch {

    /** Numbers equal by value (a JSON 1.0 is the YAML 1.0), everything else by Jackson's equality. */
    static final Comparator<JsonNode> SAME = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText())) == 0 ? 0 : 1;
        }
        return a.equals(b) ? 0 : 1;
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The enclosing entry or item must be rendered anew. */
    private static final class Rerender extends RuntimeException {
        Rerender() {
            super(null, null, false, false);
        }
    }

    /** The text cannot be patched at all. */
    private static final class Unpatchable extends RuntimeException {
        Unpatchable() {
            super(null, null, false, false);
        }
    }

    private record Edit(int start, int end, String text) {
    }

    private final String text;
    private final boolean codePoints;
    private final YAMLMapper writer;
    private final List<Edit> edits = new ArrayList<>();

    private YamlPatch(String text, YAMLMapper writer) {
        this.text = text;
        this.codePoints = text.codePoints().count() != text.length();
        this.writer = writer;
    }

    /**
     * The original text changed into {@code updated}, or empty when it cannot be done by edits (then write the whole
     * file). An unchanged tree gives the original text itself.
     */
    public static Optional<String> apply(String original, JsonNode updated, YAMLMapper writer) {
        try {
            JsonNode old = writer.readTree(original);
            if (old != null && old.equals(SAME, updated)) {
                return Optional.of(original);
            }
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            Node root = new Yaml(options).compose(new StringReader(original));
            if (root == null || old == null || root.getAnchor() != null) {
                return Optional.empty();
            }
            YamlPatch patch = new YamlPatch(original, writer);
            boolean objects = old.isObject() && updated.isObject();
            boolean arrays = old.isArray() && updated.isArray();
            if (root instanceof CollectionNode<?> c && c.getValue().isEmpty() && (objects || arrays)) {
                // {} or []: the new content in block style where it stood (the comments above it stay)
                String block = patch.block(updated, 0);
                patch.edits.add(new Edit(patch.start(root), patch.end(root), block.stripTrailing()));
            } else if (root instanceof MappingNode m && objects && m.getFlowStyle() != FlowStyle.FLOW) {
                patch.blockMapping(m, old, updated, true);
            } else if (root instanceof SequenceNode sq && arrays && sq.getFlowStyle() != FlowStyle.FLOW) {
                patch.blockSequence(sq, old, updated, true);
            } else {
                return Optional.empty();
            }
            String out = patch.result();
            JsonNode again = writer.readTree(out);
            return again != null && again.equals(SAME, updated) ? Optional.of(out) : Optional.empty();
        } catch (RuntimeException | JsonProcessingException e) { // Rerender, Unpatchable, a SnakeYAML error
            return Optional.empty();
        }
    }

    // ---- the tree walk ----

    /** Edits turning {@code node} (whose value is {@code old}) into {@code now}; throws Rerender when it cannot. */
    private void value(Node node, JsonNode old, JsonNode now, boolean inFlow) {
        if (old.equals(SAME, now)) {
            return;
        }
        if (node.getAnchor() != null) {
            throw new Unpatchable();
        }
        if (node instanceof MappingNode m && old.isObject() && now.isObject()) {
            if (m.getFlowStyle() == FlowStyle.FLOW || inFlow) {
                flowMapping(m, old, now);
            } else {
                blockMapping(m, old, now, false);
            }
        } else if (node instanceof SequenceNode s && old.isArray() && now.isArray()) {
            if (s.getFlowStyle() == FlowStyle.FLOW || inFlow) {
                flowSequence(s, old, now);
            } else {
                blockSequence(s, old, now, false);
            }
        } else if (node instanceof ScalarNode sc && !now.isContainerNode()) {
            ScalarStyle style = sc.getScalarStyle();
            if (style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED
                    || (style == ScalarStyle.PLAIN && sc.getValue().isEmpty())) {
                throw new Rerender();
            }
            edits.add(new Edit(start(node), end(node), inline(now, style, inFlow)));
        } else {
            throw new Rerender();
        }
    }

    private void flowMapping(MappingNode m, JsonNode old, JsonNode now) {
        List<String> keys = keys(m, old);
        if (!keys.equals(names(now))) {
            edits.add(new Edit(start(m), end(m), flow(now)));
            return;
        }
        for (NodeTuple t : m.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            child(t.getValueNode(), old.get(k), now.get(k));
        }
    }

    private void flowSequence(SequenceNode s, JsonNode old, JsonNode now) {
        if (s.getValue().size() != old.size()) {
            throw new Unpatchable();
        }
        if (old.size() != now.size()) {
            edits.add(new Edit(start(s), end(s), flow(now)));
            return;
        }
        for (int i = 0; i < old.size(); i++) {
            child(s.getValue().get(i), old.get(i), now.get(i));
        }
    }

    /** A value inside a flow collection: in place, or rendered in flow style in its own span. */
    private void child(Node node, JsonNode old, JsonNode now) {
        int mark = edits.size();
        try {
            value(node, old, now, true);
        } catch (Rerender e) {
            edits.subList(mark, edits.size()).clear();
            edits.add(new Edit(start(node), end(node), flow(now)));
        }
    }

    private void blockMapping(MappingNode m, JsonNode old, JsonNode now, boolean root) {
        List<String> keys = keys(m, old);
        List<NodeTuple> tuples = m.getValue();
        List<String> kept = keys.stream().filter(now::has).toList();
        if (!kept.equals(names(now).stream().filter(old::has).toList())) {
            throw new Rerender(); // keys reordered
        }
        for (int i = 0; i < tuples.size(); i++) {
            NodeTuple t = tuples.get(i);
            String k = keys.get(i);
            int keyAt = start(t.getKeyNode());
            if (!now.has(k)) {
                requireOwnLine(keyAt);
                edits.add(new Edit(root && i == 0 ? lineStart(keyAt) : leadStart(keyAt), entryEnd(t), ""));
            } else if (!old.get(k).equals(SAME, now.get(k))) {
                int mark = edits.size();
                try {
                    value(t.getValueNode(), old.get(k), now.get(k), false);
                } catch (Rerender e) {
                    edits.subList(mark, edits.size()).clear();
                    ObjectNode entry = JSON.createObjectNode();
                    entry.set(k, now.get(k));
                    int col = column(keyAt);
                    // An entry after a list item's "- " is rendered from its key on (its first line unindented).
                    boolean own = text.substring(lineStart(keyAt), keyAt).isBlank();
                    edits.add(new Edit(own ? lineStart(keyAt) : keyAt, entryEnd(t),
                            own ? block(entry, col) : block(entry, col).substring(col)));
                }
            }
        }
        // New keys go after the kept key that precedes them in the new order (before the first entry when none does).
        int at = -1;
        for (Iterator<String> it = now.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (old.has(k)) {
                at = keys.indexOf(k);
                continue;
            }
            ObjectNode entry = JSON.createObjectNode();
            entry.set(k, now.get(k));
            int col = column(start(tuples.get(0).getKeyNode()));
            int pos;
            if (at >= 0) {
                pos = entryEnd(tuples.get(at));
            } else {
                int first = start(tuples.get(0).getKeyNode());
                requireOwnLine(first);
                pos = root ? lineStart(first) : leadStart(first);
            }
            edits.add(new Edit(pos, pos, block(entry, col)));
        }
    }

    private void blockSequence(SequenceNode s, JsonNode old, JsonNode now, boolean root) {
        List<Node> items = s.getValue();
        if (items.size() != old.size()) {
            throw new Unpatchable();
        }
        int m = old.size();
        int n = now.size();
        // Longest common subsequence of equal items: those stay as they are.
        int[][] lcs = new int[m + 1][n + 1];
        for (int i = m - 1; i >= 0; i--) {
            for (int j = n - 1; j >= 0; j--) {
                lcs[i][j] = old.get(i).equals(SAME, now.get(j)) ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int[] partner = new int[n]; // the old item each new item is made from, or -1
        java.util.Arrays.fill(partner, -1);
        boolean[] used = new boolean[m];
        int i = 0;
        int j = 0;
        List<int[]> gaps = new ArrayList<>(); // [oldFrom, oldTo, newFrom, newTo)
        int gi = 0;
        int gj = 0;
        while (i < m && j < n) {
            if (old.get(i).equals(SAME, now.get(j))) {
                gaps.add(new int[]{gi, i, gj, j});
                partner[j] = i;
                used[i] = true;
                i++;
                j++;
                gi = i;
                gj = j;
            } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        gaps.add(new int[]{gi, m, gj, n});
        // In each gap, a new item is edited from the old item that is the same one (its first entry equal: a table
        // row's key), in order; what is left, from an old item of the same kind (a step of the same type) between
        // its neighbours' partners, not one whose first entry the new list still has (that row moved or went).
        Set<JsonNode> newFirsts = new java.util.HashSet<>();
        now.forEach(x -> firstEntry(x).ifPresent(newFirsts::add));
        for (int[] g : gaps) {
            int o = g[0];
            for (int nj = g[2]; nj < g[3]; nj++) {
                for (int oi = o; oi < g[1]; oi++) {
                    if (!used[oi] && sameFirstEntry(old.get(oi), now.get(nj))) {
                        partner[nj] = oi;
                        used[oi] = true;
                        o = oi + 1;
                        break;
                    }
                }
            }
            int lo = g[0];
            for (int nj = g[2]; nj < g[3]; nj++) {
                if (partner[nj] >= 0) {
                    lo = partner[nj] + 1;
                    continue;
                }
                int hi = g[1];
                for (int k = nj + 1; k < g[3]; k++) {
                    if (partner[k] >= 0) {
                        hi = partner[k];
                        break;
                    }
                }
                for (int oi = lo; oi < hi; oi++) {
                    if (!used[oi] && sameKind(old.get(oi), now.get(nj))
                            && firstEntry(old.get(oi)).map(e -> !newFirsts.contains(e)).orElse(true)) {
                        partner[nj] = oi;
                        used[oi] = true;
                        lo = oi + 1;
                        break;
                    }
                }
            }
        }
        // A new item equal to an old one that is not kept (a moved step) takes that item's own text.
        Map<Integer, Integer> moved = new LinkedHashMap<>();
        for (int nj = 0; nj < n; nj++) {
            if (partner[nj] >= 0) {
                continue;
            }
            for (int oi = 0; oi < m; oi++) {
                if (!used[oi] && !moved.containsValue(oi) && old.get(oi).equals(SAME, now.get(nj))) {
                    moved.put(nj, oi);
                    break;
                }
            }
        }
        for (int oi = 0; oi < m; oi++) {
            if (!used[oi]) {
                int dash = dash(items.get(oi));
                // the comments above a file's first item are the file's, not the item's: they stay
                edits.add(new Edit(root && oi == 0 ? lineStart(dash) : leadStart(dash), itemEnd(items.get(oi)), ""));
            }
        }
        int col = column(dash(items.get(0)));
        int anchor = -1;
        for (int nj = 0; nj < n; nj++) {
            if (partner[nj] >= 0) {
                int oi = partner[nj];
                anchor = oi;
                Node item = items.get(oi);
                int mark = edits.size();
                try {
                    value(item, old.get(oi), now.get(nj), false);
                } catch (Rerender e) {
                    edits.subList(mark, edits.size()).clear();
                    int dash = dash(item);
                    edits.add(new Edit(lineStart(dash), itemEnd(item), block(JSON.createArrayNode().add(now.get(nj)), col)));
                }
                continue;
            }
            int first = dash(items.get(0));
            int pos = anchor >= 0 ? itemEnd(items.get(anchor)) : root ? lineStart(first) : leadStart(first);
            Integer from = moved.get(nj);
            int fromDash = from == null ? -1 : dash(items.get(from));
            String piece = from == null ? block(JSON.createArrayNode().add(now.get(nj)), col)
                    : text.substring(root && from == 0 ? lineStart(fromDash) : leadStart(fromDash), itemEnd(items.get(from)));
            edits.add(new Edit(pos, pos, piece));
        }
    }

    private static boolean sameFirstEntry(JsonNode a, JsonNode b) {
        Optional<JsonNode> x = firstEntry(a);
        Optional<JsonNode> y = firstEntry(b);
        return x.isPresent() && y.isPresent() && x.get().equals(SAME, y.get());
    }

    /** An object's first entry as a one-entry object (a table row's key, a step's kind and value). */
    private static Optional<JsonNode> firstEntry(JsonNode n) {
        if (!n.isObject() || n.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<String, JsonNode> e = n.properties().iterator().next();
        return Optional.of(JSON.createObjectNode().set(e.getKey(), e.getValue()));
    }

    private static boolean sameKind(JsonNode a, JsonNode b) {
        if (a.isObject() && b.isObject()) {
            Iterator<String> x = a.fieldNames();
            Iterator<String> y = b.fieldNames();
            return x.hasNext() && y.hasNext() && x.next().equals(y.next());
        }
        return a.getNodeType() == b.getNodeType();
    }

    private static List<String> keys(MappingNode m, JsonNode old) {
        List<String> keys = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k) || k.getValue().equals("<<") || t.getValueNode().getAnchor() != null) {
                throw new Unpatchable();
            }
            keys.add(k.getValue());
        }
        if (!keys.equals(names(old))) {
            throw new Unpatchable(); // the YAML reader saw another structure (merge keys, aliases)
        }
        return keys;
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    // ---- rendering ----

    /** A map entry or list item as block YAML in the writer's style, each line indented by {@code col}. */
    private String block(JsonNode value, int col) {
        String yaml;
        try {
            yaml = writer.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (yaml.startsWith("---\n")) {
            yaml = yaml.substring(4); // a writer that starts documents: the piece goes inside one
        }
        String[] lines = yaml.split("\n", -1);
        int strip = lines[0].length() - lines[0].stripLeading().length();
        StringBuilder out = new StringBuilder();
        String pad = " ".repeat(col);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                if (i < lines.length - 1) {
                    out.append('\n'); // a blank line inside a literal block is part of its value
                }
                continue;
            }
            String body = line.length() >= strip && line.substring(0, strip).isBlank() ? line.substring(strip) : line;
            out.append(pad).append(body).append('\n');
        }
        return newlines(out.toString());
    }

    /** A value in flow style on one line: {@code { a: b, c: [x, y] }}. */
    private String flow(JsonNode v) {
        if (v.isObject()) {
            if (v.isEmpty()) {
                return "{}";
            }
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add((plainSafe(e.getKey(), true) ? e.getKey() : quote(e.getKey()))
                    + ": " + flow(e.getValue())));
            return "{ " + String.join(", ", parts) + " }";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(flow(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return inline(v, ScalarStyle.PLAIN, true);
    }

    /** A scalar on one line, in the old style where it can hold the value. */
    private String inline(JsonNode v, ScalarStyle style, boolean inFlow) {
        if (v.isNull() || v.isMissingNode()) {
            return "null";
        }
        if (!v.isTextual()) {
            return v.asText();
        }
        String s = v.asText();
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            if (inFlow) {
                return quote(s);
            }
            throw new Rerender();
        }
        if (style == ScalarStyle.SINGLE_QUOTED && s.chars().noneMatch(Character::isISOControl)) {
            return "'" + s.replace("'", "''") + "'";
        }
        if (style == ScalarStyle.PLAIN && plainSafe(s, inFlow)) {
            return s;
        }
        return quote(s);
    }

    /** A JSON string is a YAML double-quoted scalar (https://yaml.org/spec/1.2.2/#731-double-quoted-style). */
    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the string reads back as itself when written without quotes. */
    private boolean plainSafe(String s, boolean inFlow) {
        if (s.isEmpty() || !s.equals(s.strip()) || "-?:,[]{}#&*!|>'\"%@`".indexOf(s.charAt(0)) >= 0
                || s.contains(": ") || s.contains(" #") || s.endsWith(":") || s.contains("\t")
                || s.chars().anyMatch(Character::isISOControl)
                || (inFlow && s.chars().anyMatch(c -> ",[]{}".indexOf(c) >= 0))) {
            return false;
        }
        try {
            JsonNode back = writer.readTree("k: " + s + "\n").get("k");
            return back != null && back.isTextual() && back.asText().equals(s);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private String newlines(String s) {
        return text.contains("\r\n") ? s.replace("\n", "\r\n") : s;
    }

    // ---- positions ----

    private int offset(Mark m) {
        return codePoints ? text.offsetByCodePoints(0, m.getIndex()) : m.getIndex();
    }

    private int start(Node n) {
        return offset(n.getStartMark());
    }

    private int end(Node n) {
        return offset(n.getEndMark());
    }

    private int lineStart(int pos) {
        return text.lastIndexOf('\n', pos - 1) + 1;
    }

    private int column(int pos) {
        return pos - lineStart(pos);
    }

    /** The entry or item must start its line (not follow a "- " or another entry on it) to be cut or re-rendered. */
    private void requireOwnLine(int pos) {
        if (!text.substring(lineStart(pos), pos).isBlank()) {
            throw new Rerender();
        }
    }

    /** The start of the comment lines directly above the line of {@code pos} at its indentation, or that line. */
    private int leadStart(int pos) {
        int col = column(pos);
        int start = lineStart(pos);
        while (start > 0) {
            int prev = lineStart(start - 1);
            String line = text.substring(prev, start - 1);
            String body = line.stripLeading();
            if (!body.startsWith("#") || line.length() - body.length() != col) {
                break;
            }
            start = prev;
        }
        return start;
    }

    /** The "-" of a block sequence item, which must be the first thing on its line. */
    private int dash(Node item) {
        int p = start(item) - 1;
        while (p >= 0 && Character.isWhitespace(text.charAt(p))) {
            p--;
        }
        if (p < 0 || text.charAt(p) != '-') {
            throw new Unpatchable();
        }
        requireOwnLine(p);
        return p;
    }

    private int entryEnd(NodeTuple t) {
        return lineEnd(Math.max(end(t.getKeyNode()), contentEnd(t.getValueNode())));
    }

    private int itemEnd(Node item) {
        return lineEnd(Math.max(dash(item) + 1, contentEnd(item)));
    }

    /** Just after the last character of a node's own text (a block collection: of its last entry). */
    private int contentEnd(Node n) {
        if (n instanceof MappingNode m && m.getFlowStyle() != FlowStyle.FLOW && !m.getValue().isEmpty()) {
            NodeTuple last = m.getValue().get(m.getValue().size() - 1);
            return Math.max(end(last.getKeyNode()), contentEnd(last.getValueNode()));
        }
        if (n instanceof SequenceNode s && s.getFlowStyle() != FlowStyle.FLOW && !s.getValue().isEmpty()) {
            return contentEnd(s.getValue().get(s.getValue().size() - 1));
        }
        if (n instanceof ScalarNode sc && sc.getScalarStyle() == ScalarStyle.PLAIN && sc.getValue().isEmpty()) {
            return Integer.MIN_VALUE; // an empty value ("key:" alone): the key's end counts
        }
        int p = end(n);
        while (p > start(n) && Character.isWhitespace(text.charAt(p - 1))) {
            p--;
        }
        return p;
    }

    /** Just after the line break of the line holding the character before {@code contentEnd}. */
    private int lineEnd(int contentEnd) {
        int nl = text.indexOf('\n', Math.max(contentEnd - 1, 0));
        return nl < 0 ? text.length() : nl + 1;
    }

    private String result() {
        // Insertions at one position keep the order they were made in; then edits apply from the end of the text,
        // a replacement before an insertion at its start (so the insertion is not cut away).
        Map<Integer, StringBuilder> inserts = new LinkedHashMap<>();
        List<Edit> all = new ArrayList<>();
        for (Edit e : edits) {
            if (e.start() == e.end()) {
                inserts.computeIfAbsent(e.start(), k -> new StringBuilder()).append(e.text());
            } else {
                all.add(e);
            }
        }
        // At the end of a text without a final line break, an insertion starts a line of its own.
        inserts.forEach((pos, s) -> all.add(new Edit(pos, pos,
                pos == text.length() && !text.isEmpty() && !text.endsWith("\n") ? newlines("\n") + s : s.toString())));
        all.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end).reversed());
        StringBuilder out = new StringBuilder(text);
        int limit = text.length() + 1;
        for (Edit e : all) {
            if (e.end() > limit) {
                throw new Unpatchable(); // overlapping edits
            }
            out.replace(e.start(), e.end(), e.text());
            limit = e.start();
        }
        return out.toString();
    }
}
