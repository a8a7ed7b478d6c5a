package dev.tandem.core.mapping;

import com.dashjoin.jsonata.Parser;

import java.lang.reflect.Field;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which source paths each target field of a mapping's records reads, found on the JSONata parser's syntax tree
 * (the dashjoin JSONata library's {@link Parser}, the Java port of jsonata-js: the same node types, "path" with its
 * "name" steps, "variable", "function", "binary", "condition", "block", "bind", "lambda", object constructors as
 * "unary {" with key/value pairs). For the console's mapping canvas, which draws a line per path.
 *
 * <p>A record is an object constructor with {@code "entity": "<literal>"} (its reads are of its {@code "fields"}
 * object's entries, none without one; the console's mapping text numbers records the same way); its context is
 * the path that leads to it ({@code SalesItems.{...}}: {@code SalesItems}), so a field's relative path
 * {@code Quantity} is the source path {@code SalesItems.Quantity}. Paths are dot-joined from the source record's
 * root, without array markers (JSONata maps over arrays: https://docs.jsonata.org/path-operators). Counted: every
 * path step of names from the context, {@code $} (the context) and {@code $$} (the root); the paths in a
 * predicate ({@code Items[Qty > 1]}: {@code Items.Qty}), a sort or a group, relative to their step.
 *
 * <p>Variables are followed (https://docs.jsonata.org/programming#variables): a variable bound to a path
 * ({@code $address := BillingContact.Address}, or a choice of paths: {@code $c := X ? $ : Contact}) continues it,
 * so {@code $address.City} reads {@code BillingContact.Address.City}; a variable bound to anything else
 * ({@code $key := CustomKey ? CustomKey : $string(ID)}, a function) reads, where it is used, what its value read
 * when bound. A binding is seen from the expressions after it in its block (and in blocks and lambdas inside it);
 * a lambda's parameters hide the names they share, and read nothing. A binding nothing uses reads nothing.
 *
 * <p>Not counted: string literals (even {@code "Totals.Tax"}), a variable bound nowhere in the text (the runtime's
 * bindings, such as a flow's lookups), paths after a step that is not a name (a function's or a block's result),
 * and a lambda's parameters. A lambda's body reads in the context where it is defined (JSONata evaluates it with
 * that input: https://docs.jsonata.org/programming#functions). Wildcards, descendants and parents end a path.
 *
 * <p>The library keeps the tree's fields package-private; they are read by reflection here (the jar is on the
 * class path, an unnamed module). {@code MappingReadsTest} pins the shape, so a library upgrade that changes it
 * fails there.
 */
public final class MappingReads {

    /** One record of the mapping: its entity, its position among that entity's records, context, and reads. */
    public record RecordReads(String entity, int index, String context, Map<String, List<String>> fields) {
    }

    private static final Class<?> SYMBOL;
    private static final Map<String, Field> FIELDS = new LinkedHashMap<>();
    /** Why the tree cannot be read (a library whose tree has other fields), or null. */
    private static final String UNAVAILABLE;

    static {
        Class<?> symbol = null;
        String unavailable = null;
        try {
            symbol = Class.forName("com.dashjoin.jsonata.Parser$Symbol");
            for (String name : List.of("type", "value", "position", "steps", "stages", "expr", "lhs", "rhs",
                    "expression", "condition", "then", "_else", "expressions", "arguments", "procedure", "body",
                    "lhsObject", "group", "terms", "pattern", "update", "delete", "predicate", "focus", "index")) {
                Field f = symbol.getDeclaredField(name);
                f.setAccessible(true);
                FIELDS.put(name, f);
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = "the JSONata library's syntax tree cannot be read: " + e;
        }
        SYMBOL = symbol;
        UNAVAILABLE = unavailable;
    }

    private MappingReads() {
    }

    /**
     * The records of the mapping text in text order; a text that does not parse (or a library whose tree cannot be
     * read) is a {@link MappingException}.
     */
    public static List<RecordReads> of(String text) {
        Object ast = parse(text, "the mapping");
        Walker w = new Walker();
        try {
            w.walk(ast, List.of());
        } catch (StackOverflowError e) {
            throw new MappingException("the mapping is nested too deeply to read its paths", null);
        }
        w.found.sort(java.util.Comparator.comparingInt(Found::position));
        Map<String, Integer> counts = new LinkedHashMap<>();
        List<RecordReads> out = new ArrayList<>();
        for (Found f : w.found) {
            int index = counts.merge(f.entity, 1, Integer::sum) - 1;
            out.add(new RecordReads(f.entity, index, f.context == null ? null : String.join(".", f.context), f.fields));
        }
        return out;
    }

    /** The source paths one expression reads in the given context (dot-joined; {@code ""} is the root). */
    public static List<String> reads(String expression, String context) {
        Object ast = parse(expression, "the expression");
        Walker w = new Walker();
        List<String> start = context == null ? null : context.isEmpty() ? List.of() : List.of(context.split("\\."));
        try {
            return List.copyOf(w.reads(ast, start));
        } catch (StackOverflowError e) {
            throw new MappingException("the expression is nested too deeply to read its paths", null);
        }
    }

    private static Object parse(String text, String what) {
        if (UNAVAILABLE != null) {
            throw new MappingException(UNAVAILABLE, null);
        }
        try {
            return new Parser().parse(text);
        } catch (RuntimeException e) {
            throw new MappingException(what + " does not parse: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new MappingException(what + " is nested too deeply to parse", null);
        }
    }

    private record Found(String entity, int position, List<String> context, Map<String, List<String>> fields) {
    }

    private static Object get(Object symbol, String field) {
        try {
            return FIELDS.get(field).get(symbol);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String type(Object s) {
        return (String) get(s, "type");
    }

    private static boolean isSymbol(Object o) {
        return o != null && SYMBOL.isInstance(o);
    }

    /** What a variable stands for: the paths its value is (none when computed), and what its value read. */
    private record Binding(List<List<String>> denotes, Set<String> reads) {
        static final Binding NOTHING = new Binding(List.of(), Set.of());
    }

    private static final List<String> UNDEFINED = List.of("undefined");
    /** The most paths one variable stands for; more, and it is taken as a computed value. */
    static final int MAX_DENOTED = 16;

    private static final class Walker {
        final List<Found> found = new ArrayList<>();
        /** The bindings in scope, innermost first: a block's, a lambda's parameters, ..., the text's. */
        private final Deque<Map<String, Binding>> scopes = new ArrayDeque<>(List.of(new HashMap<>()));
        private final Set<Object> recorded = Collections.newSetFromMap(new IdentityHashMap<>());
        private Set<String> sink = new LinkedHashSet<>();
        private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

        Set<String> reads(Object node, List<String> context) {
            Set<String> before = sink;
            sink = new LinkedHashSet<>();
            try {
                walk(node, context);
                return sink;
            } finally {
                Set<String> mine = sink;
                sink = before;
                sink.addAll(mine);
            }
        }

        /** Walks a node in a context (the path from the root; null when unknown), adding the paths it reads. */
        void walk(Object node, List<String> context) {
            if (!isSymbol(node)) {
                return;
            }
            if (!seen.add(node)) {
                return; // the tree shares a few nodes (a path's tuple stages): each is read once
            }
            try {
                String type = type(node);
                if ("path".equals(type)) {
                    path(node, context);
                    return;
                }
                if ("name".equals(type)) { // a lone name outside a path (the parser wraps most in one)
                    add(context, List.of(String.valueOf(get(node, "value"))));
                    stages(node, append(context, String.valueOf(get(node, "value"))));
                    return;
                }
                if ("variable".equals(type)) { // alone, or with a predicate: $items[Kind = 'x']
                    Binding b = bound(get(node, "value"));
                    if (b != null) {
                        sink.addAll(b.reads());
                    }
                    if (b == null || b.denotes().isEmpty()) {
                        stages(node, null);
                    } else {
                        b.denotes().forEach(base -> stages(node, base));
                    }
                    return;
                }
                if ("bind".equals(type) && isSymbol(get(node, "lhs")) && "variable".equals(type(get(node, "lhs")))) {
                    bind(String.valueOf(get(get(node, "lhs"), "value")), get(node, "rhs"), context);
                    return;
                }
                if ("block".equals(type) || "lambda".equals(type)) {
                    Map<String, Binding> scope = new HashMap<>();
                    if ("lambda".equals(type) && get(node, "arguments") instanceof List<?> params) {
                        params.stream().filter(MappingReads::isSymbol)
                                .forEach(a -> scope.put(String.valueOf(get(a, "value")), Binding.NOTHING));
                    }
                    scopes.push(scope);
                    try {
                        children(node, context);
                    } finally {
                        scopes.pop();
                    }
                    return;
                }
                if ("unary".equals(type) && "{".equals(get(node, "value"))) {
                    record(node, context);
                }
                children(node, context);
            } finally {
                seen.remove(node);
            }
        }

        /** The binding a variable's name has here; null for $ and $$, and for a name bound nowhere in the text. */
        private Binding bound(Object name) {
            if (name == null || "".equals(name) || "$".equals(name)) {
                return null;
            }
            for (Map<String, Binding> scope : scopes) {
                if (scope.containsKey(String.valueOf(name))) {
                    return scope.get(String.valueOf(name));
                }
            }
            return null;
        }

        /** {@code $name := rhs}: what rhs reads (records in it found as anywhere), kept for where $name is used. */
        private void bind(String name, Object rhs, List<String> context) {
            Set<String> before = sink;
            sink = new LinkedHashSet<>();
            Set<String> reads;
            try {
                walk(rhs, context);
                reads = sink;
            } finally {
                sink = before;
            }
            List<List<String>> denotes = denotes(rhs, context);
            // Each choice of paths can double what a variable stands for ($b := K ? $a.X : $a.Y): past a few it is
            // taken as computed (its reads count where it is used), so a chain of them stays linear, not 2^n.
            scopes.element().put(name, new Binding(denotes.size() > MAX_DENOTED ? List.of() : denotes,
                    Collections.unmodifiableSet(reads)));
        }

        /** The record paths a value is, when it is one (or a choice of some); empty when it is computed. */
        private List<List<String>> denotes(Object node, List<String> context) {
            if (!isSymbol(node) || context == null) {
                return List.of();
            }
            String type = type(node);
            Object value = get(node, "value");
            switch (type) {
                case "name":
                    return List.of(append(context, String.valueOf(value)));
                case "variable": {
                    if ("".equals(value)) {
                        return List.of(context);
                    }
                    if ("$".equals(value)) {
                        return List.of(List.of());
                    }
                    Binding b = bound(value);
                    return b == null ? List.of() : b.denotes();
                }
                case "condition": {
                    List<List<String>> out = new ArrayList<>(denotes(get(node, "then"), context));
                    denotes(get(node, "_else"), context).stream().filter(p -> !out.contains(p)).forEach(out::add);
                    return out;
                }
                case "block":
                    return get(node, "expressions") instanceof List<?> e && e.size() == 1
                            ? denotes(e.getFirst(), context) : List.of();
                case "path": {
                    List<?> steps = get(node, "steps") instanceof List<?> l ? l : List.of();
                    if (steps.isEmpty() || get(node, "group") != null || steps.stream().anyMatch(st -> isSymbol(st)
                            && (get(st, "focus") != null || get(st, "index") != null))) {
                        return List.of();
                    }
                    Object first = steps.getFirst();
                    List<List<String>> bases = "name".equals(type(first)) ? List.of(context) : denotes(first, context);
                    List<String> rest = new ArrayList<>();
                    for (int i = "name".equals(type(first)) ? 0 : 1; i < steps.size(); i++) {
                        if (!"name".equals(type(steps.get(i))) || get(steps.get(i), "group") != null) {
                            return List.of();
                        }
                        rest.add(String.valueOf(get(steps.get(i), "value")));
                    }
                    return bases.stream().map(b -> join(b, rest)).distinct().toList();
                }
                default:
                    return List.of();
            }
        }

        private void children(Object node, List<String> context) {
            for (String f : List.of("lhs", "rhs", "expression", "condition", "then", "_else", "procedure", "body",
                    "pattern", "update", "delete", "expr", "group")) {
                walk(get(node, f), context);
            }
            for (String f : List.of("expressions", "arguments", "terms", "stages", "predicate")) {
                if (get(node, f) instanceof List<?> list) {
                    list.forEach(c -> walk(c, context));
                }
            }
            if (get(node, "lhsObject") instanceof List<?> pairs) {
                for (Object p : pairs) {
                    if (p instanceof Object[] kv) {
                        for (Object x : kv) {
                            walk(x, context);
                        }
                    }
                }
            }
        }

        private void stages(Object step, List<String> context) {
            if (get(step, "stages") instanceof List<?> list) {
                list.forEach(s -> walk(s, context));
            }
            if (get(step, "predicate") instanceof List<?> list) {
                list.forEach(s -> walk(s, context));
            }
        }

        private void path(Object node, List<String> context) {
            List<?> steps = get(node, "steps") instanceof List<?> l ? l : List.of();
            // A step's focus (@$x) and index (#$i) variables are the path's own: they hide outer ones in it.
            Map<String, Binding> own = new HashMap<>();
            for (Object step : steps) {
                for (String f : List.of("focus", "index")) {
                    if (isSymbol(step) && get(step, f) instanceof String name) {
                        own.put(name.startsWith("$") ? name.substring(1) : name, Binding.NOTHING);
                    }
                }
            }
            if (!own.isEmpty()) {
                scopes.push(own);
            }
            try {
                pathSteps(node, steps, context);
            } finally {
                if (!own.isEmpty()) {
                    scopes.pop();
                }
            }
        }

        private void pathSteps(Object node, List<?> steps, List<String> context) {
            Object first = steps.isEmpty() ? null : steps.getFirst();
            Binding b = first != null && "variable".equals(type(first)) ? bound(get(first, "value")) : null;
            if (b == null) {
                follow(node, steps, 0, context);
            } else if (b.denotes().isEmpty()) { // $key.Name, $f(x).Name: what the value read, then no path
                sink.addAll(b.reads());
                stages(first, null);
                follow(node, steps, 1, null);
            } else { // $address.City: each path the variable is, continued
                // what the binding read within those paths counts too ($i := Items[Type = 'A']: Items.Type)
                for (String r : b.reads()) {
                    if (b.denotes().stream().anyMatch(d -> !d.isEmpty() && r.startsWith(String.join(".", d) + "."))) {
                        sink.add(r);
                    }
                }
                for (List<String> base : b.denotes()) {
                    stages(first, base);
                    follow(node, steps, 1, base);
                }
            }
        }

        /** The steps of a path from {@code start} on, in {@code context} (null: not a path of the record). */
        private void follow(Object node, List<?> steps, int start, List<String> context) {
            List<String> cur = context;
            List<String> run = new ArrayList<>();
            for (int i = start; i < steps.size(); i++) {
                Object step = steps.get(i);
                String type = type(step);
                if ("name".equals(type)) {
                    run.add(String.valueOf(get(step, "value")));
                    stages(step, join(cur, run));
                    walk(get(step, "group"), join(cur, run));
                    continue;
                }
                if ("sort".equals(type)) { // Items^(Q): the terms read in Items; the path goes on
                    walk(step, join(cur, run));
                    continue;
                }
                if (i == 0 && "variable".equals(type) && "$".equals(get(step, "value"))) {
                    cur = List.of(); // $$: the root
                } else if (i == 0 && "variable".equals(type) && "".equals(get(step, "value"))) {
                    cur = context; // $: the context
                } else {
                    // a function, block or constructor step reads in the path so far (not counted itself: the
                    // step's own reads are the precise ones, e.g. Items.(Q * P) reads Items.Q and Items.P)
                    walk(step, join(cur, run));
                    cur = null; // what it gives is not a path of the record
                }
                stages(step, cur);
                run = new ArrayList<>();
            }
            add(cur, run);
            walk(get(node, "group"), join(cur, run));
        }

        private void add(List<String> context, List<String> run) {
            // a lone `undefined` is JSONata's idiom for "no value" (a name no record has), not a field
            if (context != null && !run.isEmpty() && !run.equals(UNDEFINED)) {
                List<String> all = new ArrayList<>(context);
                all.addAll(run);
                sink.add(String.join(".", all));
            }
        }

        private static List<String> join(List<String> context, List<String> run) {
            if (context == null) {
                return null;
            }
            List<String> all = new ArrayList<>(context);
            all.addAll(run);
            return all;
        }

        private static List<String> append(List<String> context, String name) {
            return join(context, List.of(name));
        }

        /** An object constructor with a literal "entity" and a "fields" key: a record, its fields' reads. */
        private void record(Object node, List<String> context) {
            if (!(get(node, "lhsObject") instanceof List<?> pairs) || !recorded.add(node)) {
                return;
            }
            String entity = null;
            int position = -1;
            Object fields = null;
            for (Object p : pairs) {
                if (!(p instanceof Object[] kv) || kv.length != 2 || !"string".equals(type(kv[0]))) {
                    continue;
                }
                Object key = get(kv[0], "value");
                if ("entity".equals(key) && "string".equals(type(kv[1]))) {
                    entity = String.valueOf(get(kv[1], "value"));
                    position = (Integer) get(kv[0], "position");
                } else if ("fields".equals(key)) {
                    fields = kv[1];
                }
            }
            if (entity == null) {
                return; // a record without "fields" still counts: the console numbers records by their "entity"
            }
            Object object = fields == null ? null : firstObject(fields);
            Map<String, List<String>> reads = new LinkedHashMap<>();
            if (object != null && get(object, "lhsObject") instanceof List<?> entries) {
                for (Object e : entries) {
                    if (e instanceof Object[] kv && kv.length == 2 && "string".equals(type(kv[0]))) {
                        reads.put(String.valueOf(get(kv[0], "value")),
                                context == null ? List.of() : List.copyOf(reads(kv[1], context)));
                    }
                }
            }
            found.add(new Found(entity, position, context, reads));
        }

        /** The fields' object: the value itself, or the first object constructor in it ($merge([{...}, ...])). */
        private Object firstObject(Object node) {
            if (!isSymbol(node)) {
                return null;
            }
            if ("unary".equals(type(node)) && "{".equals(get(node, "value"))) {
                return node;
            }
            for (String f : List.of("arguments", "expressions")) {
                if (get(node, f) instanceof List<?> list) {
                    for (Object c : list) {
                        Object o = firstObject(c);
                        if (o != null) {
                            return o;
                        }
                    }
                }
            }
            return null;
        }
    }
}
