package dev.tandem.core.mapping;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.functions.FunctionException;
import dev.tandem.core.mapping.functions.FunctionLibrary;
import dev.tandem.core.mapping.functions.PicklistValueException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A mapping written in JSONata (the mapping language of the flow files): a record from one system in, the shape
 * the flow writes to the other system out. Mappings are files, not Java code, so integration engineers can read and
 * change them.
 */
public final class JsonataMapping {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The bounds of the evaluations {@link #withinBounds} runs on this thread; none for flow runs. */
    private static final ThreadLocal<Bounds> BOUNDS = new ThreadLocal<>();
    /** A flow run's time bound of each evaluation, in milliseconds ({@link #eachEvaluationWithin}). */
    private static final ThreadLocal<Long> EACH = new ThreadLocal<>();

    /** Which runtime bound stopped an evaluation. */
    public enum Bound { TIME, DEPTH }

    /**
     * An evaluation that JSONata's runtime bounds stopped (see {@link #withinBounds}): it ran past the time allowed,
     * or nested deeper than allowed (a function that calls itself without end).
     */
    public static final class BoundsExceededException extends RuntimeException {
        private final Bound bound;

        BoundsExceededException(Bound bound, String message, Throwable cause) {
            super(message, cause);
            this.bound = bound;
        }

        public Bound bound() {
            return bound;
        }
    }

    private static final class Bounds {
        final long deadlineMillis;
        final long timeoutMillis;
        final int maxDepth;
        volatile Bound exceeded;

        Bounds(long timeoutMillis, int maxDepth) {
            this.timeoutMillis = timeoutMillis;
            this.deadlineMillis = System.currentTimeMillis() + timeoutMillis;
            this.maxDepth = maxDepth;
        }
    }

    private final String name;
    private final Jsonata expression;

    private JsonataMapping(String name, Jsonata expression) {
        this.name = name;
        this.expression = expression;
    }

    /**
     * Compiles a mapping with the {@linkplain FunctionLibrary#standard() standard function library}; a syntax error
     * becomes a {@link MappingException} naming the mapping and the position.
     */
    public static JsonataMapping compile(String name, String source) {
        return compile(name, source, FunctionLibrary.standard());
    }

    /**
     * Compiles a mapping with the functions of a flow (the standard ones plus its picklist maps and lookup
     * tables) registered on the expression.
     */
    public static JsonataMapping compile(String name, String source, FunctionLibrary functions) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(functions, "functions");
        Jsonata expression;
        try {
            expression = Jsonata.jsonata(source);
        } catch (JException e) {
            throw new MappingException("mapping " + name + " does not compile: " + e.getMessage(), e, e.getLocation());
        } catch (RuntimeException e) {
            throw new MappingException("mapping " + name + " does not compile: " + e.getMessage(), e);
        } catch (StackOverflowError e) {
            // the parser recurses per nesting level: hostile nesting is a compile error, not a crash
            throw new MappingException("mapping " + name + " does not compile: it is nested too deeply", null);
        }
        // bound in the expression's own environment, before it is shared: apply() only reads them
        functions.registerOn(expression);
        return new JsonataMapping(name, expression);
    }

    /** Loads and compiles a mapping shipped on the classpath, e.g. {@code mappings/clarity-order-to-salesforce.jsonata}. */
    public static JsonataMapping fromClasspath(String resource) {
        try (InputStream in = JsonataMapping.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new MappingException("mapping " + resource + " is not on the classpath", null);
            }
            return compile(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new MappingException("mapping " + resource + " cannot be read: " + e.getMessage(), e);
        }
    }

    public String name() {
        return name;
    }

    /**
     * Applies the mapping. The JSONata evaluator keeps per-evaluation state in the compiled expression, so calls
     * are serialised; a mapping takes microseconds, well below the cost of the API calls around it. A value a
     * picklist map does not list is a {@link PicklistValueException} (a validation error of the record); every
     * other failure is a {@link MappingException}.
     */
    public JsonNode apply(JsonNode input) {
        return apply(input, Map.of());
    }

    /**
     * Applies the mapping with variables bound, e.g. {@code $event}; a JSONata {@code undefined} result is a
     * {@link com.fasterxml.jackson.databind.node.MissingNode}.
     */
    public JsonNode apply(JsonNode input, Map<String, ?> bindings) {
        Object in = input == null || input.isMissingNode() ? null : JSON.convertValue(input, Object.class);
        Map<String, Object> converted = new java.util.LinkedHashMap<>();
        bindings.forEach((k, v) -> converted.put(k, v instanceof JsonNode n ? JSON.convertValue(n, Object.class) : v));
        Object result = evaluate(in, converted);
        return result == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : JSON.valueToTree(result);
    }

    /**
     * Evaluates on values already in JSONata's Java form (maps, lists, strings, numbers, booleans), so a step that
     * runs several expressions on one record converts it once; returns {@code null} for JSONata's undefined.
     */
    public synchronized Object evaluate(Object input, Map<String, ?> bindings) {
        Bounds bounds = BOUNDS.get();
        if (bounds == null && EACH.get() != null) {
            bounds = new Bounds(EACH.get(), Integer.MAX_VALUE); // a flow run's: this evaluation's own time
        }
        try {
            if (bounds != null) {
                return bounded(input, bindings, bounds);
            }
            if (bindings.isEmpty()) {
                return expression.evaluate(input);
            }
            Jsonata.Frame frame = expression.createFrame();
            bindings.forEach(frame::bind);
            return expression.evaluate(input, frame);
        } catch (RuntimeException e) {
            if (bounds != null && bounds.exceeded == null) {
                bounds.exceeded = boundHit(e, bounds);
            }
            if (bounds != null && bounds.exceeded != null) {
                throw new MappingException("mapping " + name + " stopped: " + exceeded(bounds, null).getMessage(), e);
            }
            FunctionException function = functionCause(e);
            if (function instanceof PicklistValueException picklist) {
                throw picklist.inMapping(name);
            }
            if (function != null) {
                throw new MappingException("mapping " + name + " failed: " + function.getMessage(), function);
            }
            if (e instanceof JException j) {
                throw new MappingException("mapping " + name + " failed: " + e.getMessage(), e, j.getLocation());
            }
            throw new MappingException("mapping " + name + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} with each mapping evaluation on this thread given {@code timeout} of its own (JSONata's
     * timebox, as {@link #withinBounds}; no depth bound beyond the thread's stack). An evaluation that runs longer
     * fails as any mapping failure does — a {@link MappingException} "mapping X stopped: the expression ran longer
     * than 30 s; look for a loop or a very large range" — so a flow dead-letters that record with the reason
     * instead of holding its worker (and the mapping, whose evaluations are serialised) without end. The flow
     * runtime runs every batch so ({@code runtime.mappingTimeout}).
     */
    public static <T> T eachEvaluationWithin(Duration timeout, Supplier<T> work) {
        if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("the bound must be between 1 ms and 1 day, got " + timeout);
        }
        Long previous = EACH.get();
        EACH.set(timeout.toMillis());
        try {
            return work.get();
        } finally {
            if (previous == null) {
                EACH.remove();
            } else {
                EACH.set(previous);
            }
        }
    }

    /**
     * Runs {@code work} with every mapping evaluation on this thread bounded by JSONata's runtime bounds
     * ({@code Jsonata.Frame#setRuntimeBounds(timeout, maxRecursionDepth)} of the dashjoin JSONata library, the Java
     * port of jsonata-js's timebox: the evaluator checks both on entering and leaving every expression node). The
     * time is shared by all evaluations {@code work} makes, from now; depth counts nested expression nodes,
     * function calls included. When a bound stops an evaluation the work's own handling of the failure (a flow
     * turns it into a failed outcome) does not hide it: this throws {@link BoundsExceededException}. The console's
     * mapping preview uses it; flow runs bound each evaluation on its own ({@link #eachEvaluationWithin}). A single built-in call (one huge {@code $range}) is not
     * interrupted midway: the bounds are checked between expression nodes.
     */
    public static <T> T withinBounds(Duration timeout, int maxDepth, Supplier<T> work) {
        if (timeout.isNegative() || timeout.isZero() || maxDepth < 1) {
            throw new IllegalArgumentException("bounds must be positive, got " + timeout + " and depth " + maxDepth);
        }
        Bounds previous = BOUNDS.get();
        Bounds bounds = new Bounds(timeout.toMillis(), maxDepth);
        BOUNDS.set(bounds);
        T result;
        try {
            result = work.get();
        } catch (RuntimeException | StackOverflowError e) {
            if (bounds.exceeded != null) {
                throw exceeded(bounds, e);
            }
            throw e;
        } finally {
            if (previous == null) {
                BOUNDS.remove();
            } else {
                BOUNDS.set(previous);
            }
        }
        if (bounds.exceeded != null) {
            throw exceeded(bounds, null);
        }
        return result;
    }

    private static BoundsExceededException exceeded(Bounds bounds, Throwable cause) {
        return bounds.exceeded == Bound.TIME
                ? new BoundsExceededException(Bound.TIME, "the expression ran longer than "
                        + describe(bounds.timeoutMillis) + "; look for a loop or a very large range", cause)
                : new BoundsExceededException(Bound.DEPTH, "the expression nested deeper than " + bounds.maxDepth
                        + " levels: a function that calls itself without end?", cause);
    }

    private static String describe(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private Object bounded(Object input, Map<String, ?> bindings, Bounds bounds) {
        long left = bounds.deadlineMillis - System.currentTimeMillis();
        if (left <= 0 || bounds.exceeded != null) {
            if (bounds.exceeded == null) {
                bounds.exceeded = Bound.TIME;
            }
            throw new JException("the runtime bound was reached before this evaluation", -1);
        }
        Jsonata.Frame frame = expression.createFrame();
        bindings.forEach(frame::bind);
        frame.setRuntimeBounds(left, bounds.maxDepth);
        return expression.evaluate(input, frame);
    }

    /** {@link #test} on values in JSONata's Java form. */
    public boolean testValue(Object input, Map<String, ?> bindings) {
        return Jsonata.boolize(evaluate(input, bindings));
    }

    /** Converts a result of {@link #evaluate} to JSON. */
    public static JsonNode toJson(Object value) {
        return value == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : JSON.valueToTree(value);
    }

    /** A JSON value in JSONata's Java form. */
    public static Object toValue(JsonNode node) {
        return node == null || node.isMissingNode() ? null : JSON.convertValue(node, Object.class);
    }

    /** JSONata truthiness of the result ({@code $boolean}): for rules and conditions. */
    public boolean test(JsonNode input, Map<String, ?> bindings) {
        Map<String, Object> converted = new java.util.LinkedHashMap<>();
        bindings.forEach((k, v) -> converted.put(k, v instanceof JsonNode n ? JSON.convertValue(n, Object.class) : v));
        return testValue(toValue(input), converted);
    }

    /**
     * Which bound the failure is, when it is one: the timebox throws a {@link JException} "Expression evaluation
     * timeout: ..." or "Stack overflow error: ..." (possibly wrapped, its message then quoted in the wrapper's).
     */
    private static Bound boundHit(Throwable e, Bounds bounds) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("Stack overflow error")) {
                return Bound.DEPTH;
            }
            if (message.contains("Expression evaluation timeout")
                    || t instanceof JException && System.currentTimeMillis() >= bounds.deadlineMillis) {
                return Bound.TIME;
            }
        }
        return null;
    }

    /** A function's error, also when JSONata wrapped it (a function called inside $map reaches us wrapped). */
    private static FunctionException functionCause(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof FunctionException f) {
                return f;
            }
        }
        return null;
    }
}
