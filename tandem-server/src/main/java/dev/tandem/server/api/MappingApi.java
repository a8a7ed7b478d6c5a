package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.JsonataMapping.BoundsExceededException;
import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.core.mapping.MappingReads;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;
import dev.tandem.mapping.ai.SourceField;
import dev.tandem.mapping.ai.SourceFields;
import dev.tandem.mapping.ai.SuggestInputException;
import dev.tandem.mapping.ai.Suggester;
import dev.tandem.mapping.ai.Suggestion;
import dev.tandem.mapping.ai.TargetObject;
import dev.tandem.server.flows.FlowFiles;
import dev.tandem.server.flows.PreviewReport;
import dev.tandem.server.http.Problem;
import io.javalin.http.Context;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;
import static dev.tandem.server.api.ApiSupport.notFound;

/**
 * The console's mapping canvas (issue 12 item 5, issue 13 item 5): a flow's JSONata mapping with the fields on both
 * sides, a live preview of a sample record through the flow ({@link PreviewReport}, the same report as
 * {@code tandem map preview}), ranked suggestions (tandem-mapping-ai's {@link Suggester}, as {@code tandem map
 * suggest}), accept/reject decisions (remembered as the CLI remembers them, V28) and saving the mapping into
 * {@code flows.dir}, validated first, where the flow reloader picks it up.
 *
 * <p>Target fields come from the org's describe
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm);
 * a field is required on create when it is createable, not nillable and not defaulted on create (the describe's
 * {@code DescribeFieldResult}: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm,
 * "Field").
 */
public final class MappingApi {

    /** A preview runs a person's JSONata on the server: bounded in time, and at most this many at once. */
    static final int CONCURRENT_PREVIEWS = 2;
    static final long PREVIEW_SECONDS = 10;
    /** JSONata's nesting bound for a preview: nested expression nodes, function calls included (the shipped order flow previews within it: MappingApiTest). */
    static final int PREVIEW_DEPTH = 1_000;
    /** Stack of a preview's thread: ample for {@link #PREVIEW_DEPTH} JSONata levels (a few KB each). */
    static final long PREVIEW_STACK_BYTES = 64L * 1024 * 1024;
    private static final long PREVIEW_GRACE_MILLIS = 5_000;
    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");
    private static final Pattern ENTITY = Pattern.compile("\"entity\"\\s*:\\s*\"([A-Za-z][A-Za-z0-9_]{0,79})\"");
    private static final int MAX_PATH = 1_000;

    /** What the API needs of the server: the loaded flows, where flows are written, and the connected systems. */
    public record Parts(Supplier<Map<String, FlowSpec>> flows, FlowCatalog catalog, Path flowsDir, Runnable reload,
                        Function<String, ObjectNode> describe, BiFunction<String, String, Optional<ObjectNode>> clarityByKey,
                        MappingDecisionStore decisions, Clock clock) {
    }

    private final Parts parts;
    private final Semaphore previews = new Semaphore(CONCURRENT_PREVIEWS);
    private volatile Suggester suggester;

    public MappingApi(Parts parts) {
        this.parts = parts;
    }

    public void register(ApiRoutes routes) {
        routes.get("/flows/{id}/mapping", Role.VIEWER, guarded(this::show));
        routes.post("/flows/{id}/mapping/preview", Role.VIEWER, guarded(this::preview));
        routes.post("/flows/{id}/mapping/suggestions", Role.VIEWER, guarded(this::suggestions));
        routes.post("/mapping/decisions", Role.OPERATOR, guarded(this::decide));
        routes.put("/flows/{id}/mapping", Role.ADMIN, guarded(this::save));
    }

    private FlowSpec find(Context ctx) {
        String id = ctx.pathParam("id");
        FlowSpec spec = parts.flows().get().get(id);
        if (spec == null) {
            throw notFound("no flow '" + ApiSupport.clip(id) + "' is loaded");
        }
        return spec;
    }

    private static String mappingName(FlowSpec spec) {
        return FlowFiles.mappingName(spec).orElseThrow(() -> new ProblemException(Problem.of(409, "no_mapping",
                "The flow has no mapping", "flow " + spec.id() + " has no transform step, so no mapping file")));
    }

    /** {@code GET /flows/{id}/mapping[?object=Order]}: the mapping's text, the source and the target fields. */
    private void show(Context ctx) {
        FlowSpec spec = find(ctx);
        String name = mappingName(spec);
        String text = spec.mappingSources().get(name);
        ObjectNode body = JSON.createObjectNode();
        body.put("flow", spec.id());
        body.put("version", spec.version());
        body.put("file", name);
        body.put("shipped", FlowFiles.shipped(spec));
        body.put("writable", parts.flowsDir() != null);
        body.put("source", spec.definition().from().system());
        body.put("text", text);
        Optional<ObjectNode> example = example(spec);
        example.ifPresent(e -> body.set("example", e));
        Set<String> objects = new LinkedHashSet<>();
        String root = null;
        if (example.isPresent()) {
            PreviewReport report = PreviewReport.run(spec, example.get());
            if (report.result().plan().isPresent()) {
                root = report.result().plan().get().rootRecord().entity();
                report.result().plan().get().records().forEach(r -> objects.add(r.entity()));
            }
        }
        Matcher m = ENTITY.matcher(text);
        while (m.find()) {
            objects.add(m.group(1));
        }
        body.set("reads", reads(text));
        ArrayNode o = body.putArray("objects");
        objects.forEach(o::add);
        String object = ctx.queryParam("object");
        if (object == null || object.isBlank()) {
            object = root != null ? root : objects.stream().findFirst().orElse(null);
        } else if (!API_NAME.matcher(object).matches()) {
            throw badRequest("query parameter object must be an object's API name such as Order, got '"
                    + ApiSupport.clip(object) + "'");
        }
        body.put("object", object);
        body.set("sourceFields", example.map(MappingApi::sourceFields).orElse(JSON.createArrayNode()));
        if (object != null) {
            try {
                body.set("targetFields", targetFields(parts.describe().apply(object)));
            } catch (IntegrationException e) {
                body.putArray("targetFields");
                body.put("targetError", "cannot describe " + object + " in Salesforce: " + e.getMessage());
            }
        } else {
            body.putArray("targetFields");
        }
        json(ctx, body);
    }

    /**
     * {@code [{entity, index, context, fields: {Field: [source paths]}}]}: per record of the mapping (text order;
     * {@code index} among the entity's records), the source paths each field's expression reads, from the JSONata
     * syntax tree ({@link MappingReads}); paths from the record's root, {@code context} the path the record is
     * made in ({@code SalesItems}; null when unknown). Empty when the text does not parse.
     */
    static ArrayNode reads(String text) {
        ArrayNode out = JSON.createArrayNode();
        List<MappingReads.RecordReads> records;
        try {
            records = MappingReads.of(text);
        } catch (dev.tandem.core.mapping.MappingException e) {
            return out;
        }
        for (MappingReads.RecordReads r : records) {
            ObjectNode n = out.addObject();
            n.put("entity", r.entity());
            n.put("index", r.index());
            n.put("context", r.context());
            ObjectNode fields = n.putObject("fields");
            r.fields().forEach((field, paths) -> {
                ArrayNode a = fields.putArray(field);
                paths.forEach(a::add);
            });
        }
        return out;
    }

    private static Optional<ObjectNode> example(FlowSpec spec) {
        if (spec.example().isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(spec.example());
            return n instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** The record's leaf paths (dot for objects, {@code []} for arrays of objects) with a sample value and its type. */
    static ArrayNode sourceFields(ObjectNode record) {
        ArrayNode out = JSON.createArrayNode();
        List<SourceField> fields;
        try {
            fields = SourceFields.collect(JSON.createArrayNode().add(record));
        } catch (SuggestInputException e) {
            throw new ProblemException(Problem.of(422, "invalid_record", "The record cannot be read", e.getMessage()));
        }
        for (SourceField f : fields) {
            ObjectNode n = out.addObject();
            n.put("path", f.path());
            JsonNode sample = f.samples().isEmpty() ? null : f.samples().getFirst();
            n.put("type", sample == null ? "null" : sample.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            if (sample != null) {
                String s = sample.isTextual() ? sample.asText() : sample.toString();
                n.put("sample", s.length() > 200 ? s.substring(0, 200) + "…" : s);
            }
        }
        return out;
    }

    /** The describe's fields: name, label, type, length, writability, nillable, required, picklist values. */
    static ArrayNode targetFields(JsonNode describe) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode f : describe.path("fields")) {
            ObjectNode n = out.addObject();
            boolean createable = f.path("createable").asBoolean(false);
            boolean nillable = f.path("nillable").asBoolean(true);
            boolean defaulted = f.path("defaultedOnCreate").asBoolean(false);
            n.put("name", f.path("name").asText());
            n.put("label", f.path("label").asText(f.path("name").asText()));
            n.put("type", f.path("type").asText());
            n.put("length", f.path("length").asInt(0));
            n.put("createable", createable);
            n.put("updateable", f.path("updateable").asBoolean(false));
            n.put("nillable", nillable);
            n.put("defaultedOnCreate", defaulted);
            n.put("required", createable && !nillable && !defaulted);
            ArrayNode p = n.putArray("picklistValues");
            for (JsonNode v : f.path("picklistValues")) {
                if (v.path("active").asBoolean(true)) {
                    p.add(v.path("value").asText());
                }
            }
        }
        return out;
    }

    /**
     * {@code POST /flows/{id}/mapping/preview {mapping, record | clarityKey}}: the flow compiled with the given
     * mapping text (a syntax error is a 422 with line and column) and run on the record, as {@code tandem map preview}.
     */
    private void preview(Context ctx) throws Exception {
        FlowSpec spec = find(ctx);
        ObjectNode body = ApiSupport.body(ctx);
        String text = ApiSupport.text(body, "mapping");
        if (text == null) {
            text = spec.mappingSources().get(mappingName(spec));
        }
        ObjectNode record = record(spec, body);
        FlowSpec draft = compile(spec, text);
        ObjectNode out = bounded(() -> PreviewReport.run(draft, record).toJson(), Duration.ofSeconds(PREVIEW_SECONDS),
                PREVIEW_DEPTH, previews);
        out.set("record", record);
        out.set("sourceFields", sourceFields(record));
        out.set("reads", reads(text));
        json(ctx, out);
    }

    /**
     * A preview outside the server ({@code tandem map preview}) under the console preview's bounds, on a thread of
     * its own: a mapping that loops or recurses without end is a {@link ProblemException} saying which bound (422
     * {@code preview_too_slow} / {@code preview_too_deep}), as in the console.
     */
    public static <T> T boundedPreview(Supplier<T> work) throws Exception {
        return bounded(work, Duration.ofSeconds(PREVIEW_SECONDS), PREVIEW_DEPTH, new Semaphore(1));
    }

    /**
     * Runs a preview's work on a platform thread of its own ({@link #PREVIEW_STACK_BYTES} of stack) with every
     * JSONata evaluation bounded by {@code bound} and {@code depth} ({@link JsonataMapping#withinBounds}), so a
     * mapping that loops or recurses without end stops itself: a 422 saying which bound, and its thread ends. A
     * permit of {@code permits} is held until the work ends, not until the answer is sent (and given back when the
     * thread cannot even start). The wait for the answer allows a little more than the bound, for a single built-in
     * call that the bounds cannot interrupt midway; past that the answer is a 422 too and the thread is interrupted.
     */
    static <T> T bounded(Supplier<T> work, Duration bound, int depth, Semaphore permits) throws Exception {
        if (!permits.tryAcquire()) {
            throw new ProblemException(Problem.of(429, "too_many_previews", "Too many previews at once",
                    "at most " + CONCURRENT_PREVIEWS + " previews run at once; try again in a moment"));
        }
        java.util.concurrent.FutureTask<T> run = new java.util.concurrent.FutureTask<>(() -> {
            try {
                return JsonataMapping.withinBounds(bound, depth, work);
            } finally {
                permits.release();
            }
        });
        // A platform thread with a stack of its own size, so that the depth bound, not the machine's default stack
        // (which differs between JVMs and CI hosts), is what stops a function that calls itself without end.
        try {
            Thread.ofPlatform().name("tandem-mapping-preview").daemon(true).stackSize(PREVIEW_STACK_BYTES).start(run);
        } catch (OutOfMemoryError | RuntimeException e) { // no native thread to be had: the permit is not lost
            permits.release();
            throw new ProblemException(Problem.of(503, "preview_unavailable", "The preview could not start",
                    "no thread could be started for the preview (" + e.getMessage() + "); try again in a moment"));
        }
        try {
            return run.get(bound.toMillis() + PREVIEW_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.cancel(true);
            throw new ProblemException(Problem.of(422, "preview_too_slow", "The preview took too long",
                    "the mapping did not finish within " + bound.toSeconds() + " s on this record; look for a loop"
                            + " or a very large range"));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BoundsExceededException b) {
                throw b.bound() == JsonataMapping.Bound.TIME
                        ? new ProblemException(Problem.of(422, "preview_too_slow", "The preview took too long",
                                b.getMessage() + " on this record"))
                        : new ProblemException(Problem.of(422, "preview_too_deep", "The mapping recursed too deeply",
                                b.getMessage()));
            }
            if (e.getCause() instanceof StackOverflowError) {
                throw new ProblemException(Problem.of(422, "preview_too_deep", "The mapping recursed too deeply",
                        "the mapping's functions call themselves without end on this record"));
            }
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private FlowSpec compile(FlowSpec spec, String text) {
        if (text.isBlank()) {
            throw new ProblemException(Problem.of(422, "invalid_mapping", "The mapping does not compile",
                    "the mapping is empty"));
        }
        try {
            return FlowFiles.withMapping(parts.catalog(), spec, text);
        } catch (FlowFileException e) {
            throw invalid(e.problems());
        }
    }

    private static ProblemException invalid(List<FlowProblem> problems) {
        FlowProblem first = problems.getFirst();
        List<Map<String, Object>> list = problems.stream().<Map<String, Object>>map(p -> Map.of("file", p.file(),
                "line", p.line(), "column", p.column(), "message", p.message())).toList();
        return new ProblemException(Problem.of(422, "invalid_mapping", "The mapping does not compile",
                        first.line() > 0 ? "line " + first.line() + ", column " + first.column() + ": " + first.message()
                                : first.message())
                .with("line", first.line()).with("column", first.column()).with("errors", list));
    }

    /** The sample: {@code record} (a JSON object), the Clarity record of {@code clarityKey}, or the flow's example. */
    private ObjectNode record(FlowSpec spec, ObjectNode body) {
        JsonNode given = body.get("record");
        String key = ApiSupport.text(body, "clarityKey");
        if (given != null && !given.isNull() && key != null) {
            throw badRequest("give the sample as record or as clarityKey, not both");
        }
        if (given != null && !given.isNull()) {
            if (!(given instanceof ObjectNode o)) {
                throw badRequest("\"record\" must be a JSON object (the source record)");
            }
            return o;
        }
        if (key != null) {
            if (!spec.definition().from().system().equals("clarity")) {
                throw badRequest("flow " + spec.id() + " reads " + spec.definition().from().system()
                        + ": a record by Clarity key is only for flows from clarity");
            }
            if (key.isBlank() || key.length() > 200 || key.chars().anyMatch(Character::isISOControl)) {
                throw badRequest("\"clarityKey\" must be a Clarity key (CustomKey) of 1 to 200 characters without control characters");
            }
            String event = spec.definition().from().events().getFirst();
            String entity = event.contains(".") ? event.substring(0, event.indexOf('.')) : event;
            try {
                return parts.clarityByKey().apply(entity, key.trim()).orElseThrow(() ->
                        notFound("Clarity has no " + entity + " with key '" + ApiSupport.clip(key) + "'"));
            } catch (IntegrationException e) {
                throw new ProblemException(Problem.of(502, "clarity_unavailable", "Clarity did not answer",
                        "cannot read " + entity + " " + ApiSupport.clip(key) + " from Clarity: " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                throw badRequest(e.getMessage());
            }
        }
        return example(spec).orElseThrow(() -> badRequest("flow " + spec.id()
                + " names no example record: give record or clarityKey"));
    }

    /**
     * {@code POST /flows/{id}/mapping/suggestions {object?, record?, top?}}: tandem map suggest's ranking for the
     * flow's sample (or the given record) against the object's describe, with the decisions remembered before.
     */
    private void suggestions(Context ctx) {
        FlowSpec spec = find(ctx);
        ObjectNode body = ApiSupport.body(ctx);
        String object = ApiSupport.text(body, "object");
        if (object == null || !API_NAME.matcher(object).matches()) {
            throw badRequest("\"object\" must be the target object's API name such as Order");
        }
        int top = 3;
        JsonNode t = body.get("top");
        if (t != null && !t.isNull()) {
            if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < 1 || t.asInt() > 10) {
                throw badRequest("\"top\" must be a whole number from 1 to 10");
            }
            top = t.asInt();
        }
        ObjectNode record = record(spec, body);
        TargetObject target;
        try {
            target = TargetObject.fromDescribe(parts.describe().apply(object));
        } catch (IntegrationException e) {
            throw new ProblemException(Problem.of(502, "salesforce_unavailable", "Salesforce did not answer",
                    "cannot describe " + object + ": " + e.getMessage()));
        }
        String system = spec.definition().from().system();
        Suggester.Result result;
        try {
            result = suggester().suggest(JSON.createArrayNode().add(record), target, new Suggester.Options(top, 0.05),
                    parts.decisions().decisions(system, target.name()));
        } catch (SuggestInputException e) {
            throw new ProblemException(Problem.of(422, "invalid_record", "The record cannot be read", e.getMessage()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("flow", spec.id());
        out.put("sourceSystem", system);
        out.put("object", target.name());
        ArrayNode items = out.putArray("items");
        result.bySource().forEach((path, list) -> {
            ObjectNode n = items.addObject();
            n.put("source", path);
            ArrayNode ranked = n.putArray("suggestions");
            for (Suggestion s : list) {
                ObjectNode o = ranked.addObject();
                o.put("target", s.target());
                o.put("score", s.score());
                o.put("expression", s.expression());
                o.put("fromEarlierAccept", s.reasons().contains("accepted before"));
                ArrayNode r = o.putArray("reasons");
                s.reasons().forEach(r::add);
            }
        });
        ArrayNode excluded = out.putArray("excludedTargets");
        result.excludedTargets().forEach(excluded::add);
        json(ctx, out);
    }

    private Suggester suggester() {
        Suggester s = suggester;
        if (s == null) {
            synchronized (this) {
                if (suggester == null) {
                    suggester = Suggester.load();
                }
                s = suggester;
            }
        }
        return s;
    }

    /**
     * {@code POST /mapping/decisions {flow, object, decisions: [{source, target, accepted}]}}: remembered per the
     * flow's source system and the object, as {@code tandem map suggest --accept/--reject}.
     */
    private void decide(Context ctx) {
        ObjectNode body = ApiSupport.body(ctx);
        String flowId = ApiSupport.text(body, "flow");
        if (flowId == null) {
            throw badRequest("\"flow\" is required: the flow whose source system the decisions are for");
        }
        FlowSpec spec = parts.flows().get().get(flowId);
        if (spec == null) {
            throw notFound("no flow '" + ApiSupport.clip(flowId) + "' is loaded");
        }
        String object = ApiSupport.text(body, "object");
        if (object == null || !API_NAME.matcher(object).matches()) {
            throw badRequest("\"object\" must be the target object's API name such as Order");
        }
        JsonNode list = body.get("decisions");
        if (list == null || !list.isArray() || list.isEmpty() || list.size() > 500) {
            throw badRequest("\"decisions\" must be an array of 1 to 500 {source, target, accepted}");
        }
        long now = parts.clock().millis();
        List<Decision> decisions = new ArrayList<>();
        for (JsonNode d : list) {
            if (!(d instanceof ObjectNode o)) {
                throw badRequest("each decision must be an object {source, target, accepted}");
            }
            String source = ApiSupport.text(o, "source");
            String target = ApiSupport.text(o, "target");
            if (source == null || source.isBlank() || source.length() > MAX_PATH
                    || source.chars().anyMatch(Character::isISOControl)) {
                throw badRequest("a decision's \"source\" must be a source path of 1 to " + MAX_PATH
                        + " characters without control characters");
            }
            if (target == null || !API_NAME.matcher(target).matches()) {
                throw badRequest("a decision's \"target\" must be a field API name such as Description");
            }
            JsonNode a = o.get("accepted");
            if (a == null || !a.isBoolean()) {
                throw badRequest("a decision's \"accepted\" must be true or false");
            }
            decisions.add(new Decision(spec.definition().from().system(), object, source, target, a.asBoolean(), now));
        }
        parts.decisions().recordDecisions(decisions);
        ObjectNode out = JSON.createObjectNode();
        out.put("recorded", decisions.size());
        out.put("sourceSystem", spec.definition().from().system());
        out.put("object", object);
        json(ctx, 201, out);
    }

    /** {@code PUT /flows/{id}/mapping {text}}: validated as tandem flows validate does, then written atomically. */
    private void save(Context ctx) {
        FlowSpec spec = find(ctx);
        ObjectNode body = ApiSupport.body(ctx);
        String text = ApiSupport.text(body, "text");
        if (text == null) {
            throw badRequest("\"text\" is required: the mapping's JSONata text");
        }
        if (parts.flowsDir() == null) {
            throw new ProblemException(Problem.of(409, "no_flows_dir", "Flows cannot be written",
                    "this Tandem has no flows.dir: set flows.dir in tandem.yaml to edit flows from the console"));
        }
        compile(spec, text);
        FlowSpec written;
        try {
            written = FlowFiles.writeMapping(parts.catalog(), spec, text, parts.flowsDir());
        } catch (FlowFileException e) {
            throw invalid(e.problems());
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The mapping was not written", e.getMessage()));
        }
        parts.reload().run();
        ObjectNode out = JSON.createObjectNode();
        out.put("flow", spec.id());
        out.put("file", (FlowFiles.shipped(spec) ? parts.flowsDir() : Path.of(spec.file()).toAbsolutePath().getParent())
                .resolve(mappingName(spec)).toString());
        out.put("previousVersion", spec.version());
        out.put("version", written.version());
        json(ctx, out);
    }
}
