package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Saving a changed flow edits its file in place: comments and untouched lines stay byte for byte. */
class YamlPatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<String> shipped() {
        return FlowRepository.shippedFlowFiles().stream();
    }

    private static String file(String name) {
        return FlowRepository.shippedFile(name).orElseThrow();
    }

    private static ObjectNode tree(String yaml) {
        return (ObjectNode) FlowYaml.read(yaml);
    }

    /** The tree as the console sends it: JSON text parsed again (numbers and strings as JSON has them). */
    private static ObjectNode viaJson(ObjectNode t) throws Exception {
        return (ObjectNode) JSON.readTree(JSON.writeValueAsString(t));
    }

    private static FlowYaml.Written save(String original, ObjectNode now) {
        FlowYaml.Written w = FlowYaml.write(original, now);
        assertThat(FlowYaml.read(w.yaml()).equals(YamlPatch.SAME, now)).as("the written file reads as the saved flow").isTrue();
        return w;
    }

    private static List<String> comments(String yaml) {
        return Arrays.stream(yaml.split("\n")).filter(l -> l.strip().startsWith("#")).toList();
    }

    /** The lines of {@code b} that are not in {@code a} (a multiset difference). */
    private static List<String> added(String a, String b) {
        List<String> left = new ArrayList<>(Arrays.asList(a.split("\n")));
        List<String> out = new ArrayList<>();
        for (String l : b.split("\n")) {
            if (!left.remove(l)) {
                out.add(l);
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void anUnchangedFlowIsTheSameFileByteForByte(String name) throws Exception {
        String original = file(name);
        FlowYaml.Written w = save(original, viaJson(tree(original)));
        assertThat(w.commentsKept()).isTrue();
        assertThat(w.yaml()).isEqualTo(original);
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void changingTheNameChangesOneLineAndKeepsEveryComment(String name) throws Exception {
        String original = file(name);
        ObjectNode now = viaJson(tree(original));
        now.put("name", "Renamed: a flow # with odd characters");
        FlowYaml.Written w = save(original, now);
        assertThat(w.commentsKept()).isTrue();
        assertThat(comments(w.yaml())).isEqualTo(comments(original));
        assertThat(added(original, w.yaml())).containsExactly("name: \"Renamed: a flow # with odd characters\"");
        assertThat(added(w.yaml(), original)).hasSize(1).allMatch(l -> l.startsWith("name:"));
    }

    /**
     * Every scalar of every shipped flow changed in turn (a string, or a number for a number): the file reads as the
     * changed flow, was edited in place, and keeps every comment line not inside a re-rendered block scalar entry.
     */
    @ParameterizedTest
    @MethodSource("shipped")
    void everyScalarOfEveryShippedFlowCanBeChangedInPlace(String name) throws Exception {
        String original = file(name);
        ObjectNode base = viaJson(tree(original));
        List<String> paths = new ArrayList<>();
        leaves(base, "", paths);
        assertThat(paths).isNotEmpty();
        for (String path : paths) {
            ObjectNode now = base.deepCopy();
            JsonNode leaf = now.at(path);
            JsonNode changed = leaf.isNumber() ? JSON.getNodeFactory().numberNode(leaf.asInt() + 7)
                    : leaf.isBoolean() ? JSON.getNodeFactory().booleanNode(!leaf.asBoolean())
                    : TextNode.valueOf(leaf.asText() + "-x");
            set(now, path, changed);
            FlowYaml.Written w = save(original, now);
            assertThat(w.commentsKept()).as(path).isTrue();
            assertThat(original.split("\n").length - w.yaml().split("\n").length).as(path + ": lines lost")
                    .isLessThanOrEqualTo(original.split("\n").length / 2);
            assertThat(comments(original)).as(path).containsAll(comments(w.yaml()));
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void removingOrInsertingAnyStepKeepsTheOtherStepsLines(String name) throws Exception {
        String original = file(name);
        ObjectNode base = viaJson(tree(original));
        ArrayNode steps = (ArrayNode) base.path("steps");
        for (int i = 0; i <= steps.size(); i++) {
            ObjectNode inserted = base.deepCopy();
            ((ArrayNode) inserted.get("steps")).insert(i, JSON.readTree("{\"filter\":{\"when\":\"$exists(ID)\"}}"));
            FlowYaml.Written w = save(original, inserted);
            assertThat(w.commentsKept()).isTrue();
            assertThat(comments(w.yaml())).isEqualTo(comments(original));
            assertThat(added(original, w.yaml())).as("step inserted at " + i)
                    .containsExactlyInAnyOrder("  - filter:", "      when: $exists(ID)");
            if (i < steps.size()) {
                ObjectNode removed = base.deepCopy();
                ((ArrayNode) removed.get("steps")).remove(i);
                FlowYaml.Written r = save(original, removed);
                assertThat(r.commentsKept()).isTrue();
                assertThat(added(original, r.yaml())).as("step " + i + " removed: nothing new").isEmpty();
            }
        }
    }

    @Test
    void aMovedStepTakesItsOwnTextAndCommentsAlong() throws Exception {
        String original = """
                id: f
                steps:
                  # first: the key
                  - idempotentConsumer: { link: Order, key: "$event.entityKey" }   # replay-safe
                  # second: the filter
                  - filter:
                      when: Total > 0
                  - transform: { mapping: m.jsonata }
                """;
        ObjectNode now = tree(original);
        ArrayNode steps = (ArrayNode) now.get("steps");
        JsonNode first = steps.remove(0);
        steps.insert(1, first);
        FlowYaml.Written w = save(original, now);
        assertThat(w.yaml()).isEqualTo("""
                id: f
                steps:
                  # second: the filter
                  - filter:
                      when: Total > 0
                  # first: the key
                  - idempotentConsumer: { link: Order, key: "$event.entityKey" }   # replay-safe
                  - transform: { mapping: m.jsonata }
                """);
    }

    @Test
    void valuesKeepTheirStyleAndInlineComments() throws Exception {
        String original = """
                # header
                id: f
                retry: { maxAttempts: 5, backoff: 'PT1S' }   # keep me
                from:
                  events: [A.Created, A.Updated]
                  system: clarity # the source
                """;
        ObjectNode now = tree(original);
        ((ObjectNode) now.get("retry")).put("maxAttempts", 8).put("backoff", "it's PT2S");
        ((ArrayNode) now.with("from").get("events")).set(1, TextNode.valueOf("A.Deleted"));
        ((ObjectNode) now.get("from")).put("system", "salesforce");
        FlowYaml.Written w = save(original, now);
        assertThat(w.yaml()).isEqualTo("""
                # header
                id: f
                retry: { maxAttempts: 8, backoff: 'it''s PT2S' }   # keep me
                from:
                  events: [A.Created, A.Deleted]
                  system: salesforce # the source
                """);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "123", "null", "~", "a: b", "#x", "", " padded ", "- dash", "{x}", "*alias", "it's", "a \"q\"",
            "new\nline", "tab\there", "é→✓ 😀"})
    void aStringThatPlainYamlWouldMisreadIsQuoted(String value) throws Exception {
        String original = "id: f  # the id\nname: plain\nlist: [a, b]\nmap: { k: v }\n";
        ObjectNode now = tree(original);
        now.put("name", value);
        ((ArrayNode) now.get("list")).set(0, TextNode.valueOf(value));
        ((ObjectNode) now.get("map")).put("k", value);
        FlowYaml.Written w = save(original, now);
        assertThat(w.commentsKept()).isTrue();
        assertThat(w.yaml()).startsWith("id: f  # the id\n");
    }

    @Test
    void aBlockScalarThatChangesIsWrittenAgainAndTheCommentsAroundStay() throws Exception {
        String original = """
                id: f
                steps:
                  - validate:
                      rules:
                        # the total must be a number
                        - rule: >-
                            $type(Total) = 'number'
                          message: no total   # shown to the operator
                        # the second rule
                        - rule: Total >= 0
                """;
        ObjectNode now = tree(original);
        ((ObjectNode) now.at("/steps/0/validate/rules/0")).put("rule", "$type(Total) = 'number'\nand Total < 1e9");
        FlowYaml.Written w = save(original, now);
        assertThat(w.commentsKept()).isTrue();
        assertThat(comments(w.yaml())).containsExactly("        # the total must be a number", "        # the second rule");
        assertThat(w.yaml()).contains("message: no total   # shown to the operator\n");
    }

    @Test
    void newKeysGoWhereTheNewOrderPutsThem() throws Exception {
        String original = "# header\nid: f\nname: n\n# the steps\nsteps:\n  - filter: { when: x }\n";
        ObjectNode now = JSON.createObjectNode();
        now.put("id", "f").put("name", "n").put("enabled", false);
        now.set("steps", tree(original).get("steps"));
        now.put("description", "at the end");
        FlowYaml.Written w = save(original, now);
        assertThat(w.yaml()).isEqualTo("# header\nid: f\nname: n\nenabled: false\n# the steps\nsteps:\n"
                + "  - filter: { when: x }\ndescription: at the end\n");
    }

    private static final com.fasterxml.jackson.dataformat.yaml.YAMLMapper TABLES = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();

    @Test
    void aListRootIsEditedAndItsItemsMatchedByTheirFirstEntry() throws Exception {
        String original = "# rows\n- k: a\n  v: 1\n# b's note\n- k: b\n  v: 2\n- k: c   # c\n  v: 3\n";
        // b removed, c changed: c's own lines are edited (not b's lines made into c), b goes with its comment
        ArrayNode now = (ArrayNode) JSON.readTree("[{\"k\":\"a\",\"v\":1},{\"k\":\"c\",\"v\":4}]");
        assertThat(YamlPatch.apply(original, now, TABLES)).contains("# rows\n- k: a\n  v: 1\n- k: c   # c\n  v: 4\n");
        // a flow-style root list is not patched (the caller writes it whole)
        assertThat(YamlPatch.apply("[{k: a}]", JSON.readTree("[{\"k\":\"b\"}]"), TABLES)).isEmpty();
    }

    @Test
    void aListRootKeepsItsHeaderAndMatchesRowsByKeyBeforeKind() throws Exception {
        String original = "# Bins, by hand\n- k: a\n  v: 1\n# b's note\n- k: b\n  v: 2\n";
        // the first row removed: the file's header stays (it is not the row's comment)
        assertThat(YamlPatch.apply(original, JSON.readTree("[{\"k\":\"b\",\"v\":2}]"), TABLES))
                .contains("# Bins, by hand\n# b's note\n- k: b\n  v: 2\n");
        // a new first row goes under the header; a and b, both changed, keep their own lines and comment
        assertThat(YamlPatch.apply(original, JSON.readTree(
                "[{\"k\":\"z\",\"v\":0},{\"k\":\"a\",\"v\":5},{\"k\":\"b\",\"v\":6}]"), TABLES))
                .contains("# Bins, by hand\n- k: \"z\"\n  v: 0\n- k: a\n  v: 5\n# b's note\n- k: b\n  v: 6\n");
    }

    @Test
    void anEmptyRootIsReplacedInBlockStyleUnderItsComments() throws Exception {
        String original = "# the template\n#   EUR: { rate: 0.9 }\n{}\n";
        assertThat(YamlPatch.apply(original, JSON.readTree("{\"EUR\":{\"rate\":0.9}}"), TABLES))
                .contains("# the template\n#   EUR: { rate: 0.9 }\nEUR:\n  rate: 0.9\n");
        assertThat(YamlPatch.apply("# none yet\n[]\n", JSON.readTree("[{\"k\":\"a\"}]"), TABLES))
                .contains("# none yet\n- k: \"a\"\n");
        // a root of another kind than the new tree: no edit
        assertThat(YamlPatch.apply("[]\n", JSON.readTree("{\"a\":1}"), TABLES)).isEmpty();
    }

    @Test
    void aRemovedKeyTakesTheCommentAboveItAlong() throws Exception {
        String original = "id: f\n# why the example\nexample: e.json   # for preview\n# the steps\nsteps: []\n";
        ObjectNode now = tree(original);
        now.remove("example");
        assertThat(save(original, now).yaml()).isEqualTo("id: f\n# the steps\nsteps: []\n");
    }

    @Test
    void aFileWithAnchorsIsWrittenWholeAndSaysSo() throws Exception {
        String original = "id: f\nbase: &b { a: 1 }\nother: *b\n";
        ObjectNode now = tree(original);
        now.put("id", "g");
        FlowYaml.Written w = save(original, now);
        assertThat(w.commentsKept()).isFalse();
        assertThat(w.yaml()).startsWith(FlowYaml.HEADER);
    }

    @Test
    void windowsLineEndsAndAMissingFinalLineBreakAreHandled() throws Exception {
        String original = "id: f\r\n# c\r\nname: n";
        ObjectNode now = tree(original);
        now.put("name", "m").put("description", "d");
        FlowYaml.Written w = save(original, now);
        assertThat(w.yaml()).isEqualTo("id: f\r\n# c\r\nname: m\r\ndescription: d\r\n");
    }

    @Test
    void reorderedKeysAloneLeaveTheFileAndWithAChangeAreWrittenWhole() throws Exception {
        String original = "# c\nid: f\nname: n\n";
        assertThat(save(original, JSON.createObjectNode().put("name", "n").put("id", "f")).yaml()).isEqualTo(original);
        FlowYaml.Written w = save(original, JSON.createObjectNode().put("name", "m").put("id", "f"));
        assertThat(w.commentsKept()).isFalse();
        assertThat(w.yaml()).startsWith(FlowYaml.HEADER);
    }

    @Test
    void textWithCharactersOutsideTheBasicPlaneIsEditedAtTheRightPlace() throws Exception {
        String original = "id: f\nname: \"😀 orders 😀\"   # emoji\ndescription: 𝄞 x\n";
        ObjectNode now = tree(original);
        now.put("description", "𝄞 y");
        assertThat(save(original, now).yaml()).isEqualTo("id: f\nname: \"😀 orders 😀\"   # emoji\ndescription: 𝄞 y\n");
    }

    private static void leaves(JsonNode n, String path, List<String> out) {
        if (n.isObject()) {
            n.properties().forEach(e -> leaves(e.getValue(), path + "/" + e.getKey().replace("~", "~0").replace("/", "~1"), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                leaves(n.get(i), path + "/" + i, out);
            }
        } else {
            out.add(path);
        }
    }

    private static void set(ObjectNode root, String path, JsonNode value) {
        int cut = path.lastIndexOf('/');
        JsonNode parent = root.at(path.substring(0, cut));
        String last = path.substring(cut + 1).replace("~1", "/").replace("~0", "~");
        BiConsumer<JsonNode, JsonNode> put = (p, v) -> {
            if (p instanceof ObjectNode o) {
                o.set(last, v);
            } else {
                ((ArrayNode) p).set(Integer.parseInt(last), v);
            }
        };
        put.accept(parent, value);
    }
}
