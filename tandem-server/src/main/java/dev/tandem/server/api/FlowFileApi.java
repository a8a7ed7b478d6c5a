package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSchema;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowVersionStore;
import dev.tandem.server.flows.FlowRepository;
import dev.tandem.server.flows.FlowVersions;
import dev.tandem.server.flows.FlowYaml;
import dev.tandem.server.http.Problem;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * The flow files behind the console's visual designer: the files' JSON Schema, a flow's file as JSON, saving it
 * back (checked by the same loader as {@code tandem flows validate}, then written into {@code flows.dir}, where the
 * reloader picks it up), a new flow from a shipped one, and the versions a flow had with the diff between two.
 * Viewers read; only admins write files (a flow file decides what is written to Salesforce and Clarity).
 */
public final class FlowFileApi {

    /** The ids a flow file may have (as {@code FlowLoader} checks them): also what keeps a path out of a file name. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{1,64}");

    private final FlowRepository repository;
    private final Supplier<Map<String, FlowSpec>> flows;
    private final FlowVersions versions;
    /** Reloads flows.dir now (the reloader's own reload); null when there is no flows.dir to write to. */
    private final Runnable reload;

    public FlowFileApi(FlowRepository repository, Supplier<Map<String, FlowSpec>> flows, FlowVersions versions,
                       Runnable reload) {
        this.repository = repository;
        this.flows = flows;
        this.versions = versions;
        this.reload = reload;
    }

    /** Register before {@link FlowApi}: its {@code /flows/{id}} would otherwise take {@code /flows/schema}. */
    public void register(ApiRoutes routes) {
        routes.get("/flows/schema", Role.VIEWER, guarded(ctx -> json(ctx, FlowSchema.schema())));
        routes.post("/flows", Role.ADMIN, guarded(this::create));
        routes.get("/flows/{id}/definition", Role.VIEWER, guarded(this::definition));
        routes.put("/flows/{id}/definition", Role.ADMIN, guarded(this::save));
        routes.get("/flows/{id}/versions", Role.VIEWER, guarded(this::versions));
        routes.get("/flows/{id}/versions/{a}/diff/{b}", Role.VIEWER, guarded(this::diff));
    }

    private static String id(Context ctx) {
        String id = ctx.pathParam("id");
        if (!ID.matcher(id).matches()) {
            throw ApiSupport.notFound("'" + ApiSupport.clip(id) + "' is not a flow id (lower-case letters, digits and "
                    + "dashes, at most 63)");
        }
        return id;
    }

    private FlowSpec find(String id) {
        FlowSpec spec = flows.get().get(id);
        if (spec == null) {
            throw ApiSupport.notFound("no flow '" + id + "' is loaded");
        }
        return spec;
    }

    private void definition(Context ctx) {
        FlowSpec spec = find(id(ctx));
        String yaml = source(spec);
        ObjectNode body = JSON.createObjectNode();
        body.put("id", spec.id());
        body.put("version", spec.version());
        body.put("file", fileName(spec));
        body.put("shipped", spec.file().startsWith("classpath:"));
        body.put("editable", reload != null);
        body.set("definition", FlowYaml.read(yaml));
        ObjectNode mappings = body.putObject("mappings");
        new java.util.TreeMap<>(spec.mappingSources()).forEach(mappings::put);
        json(ctx, body);
    }

    /**
     * One write at a time: the base-version check, the write and the reload of two saves never interleave (a lock,
     * not synchronized, so a virtual thread waiting for it does not pin its carrier: JEP 444).
     */
    private final java.util.concurrent.locks.ReentrantLock writing = new java.util.concurrent.locks.ReentrantLock();

    private void save(Context ctx) {
        writing.lock();
        try {
            saveNow(ctx);
        } finally {
            writing.unlock();
        }
    }

    private void saveNow(Context ctx) {
        String id = id(ctx);
        FlowSpec current = find(id);
        boolean dryRun = ApiSupport.boolParam(ctx, "dryRun");
        ObjectNode definition = ApiSupport.body(ctx);
        JsonNode given = definition.get("id");
        if (given == null || !given.isTextual() || !given.asText().equals(id)) {
            throw invalid(List.of(problem("id", null, "the flow's id must stay '" + id + "' (a new id is a new flow: "
                    + "POST /flows); got " + (given == null ? "none" : ApiSupport.clip(given.toString())))));
        }
        if (!dryRun) {
            writable();
        }
        // Optimistic concurrency: a save based on an older version (the file changed in Git, another admin saved)
        // is refused instead of silently replacing the change.
        String base = ctx.queryParam("baseVersion");
        if (base != null && !base.equals(current.version())) {
            throw new ProblemException(Problem.of(409, "version_conflict", "The flow changed meanwhile",
                    "this save is based on version " + ApiSupport.clip(base) + " but version " + current.version()
                            + " runs now; reload the flow and make the change again"));
        }
        String fileName = id + ".yaml";
        FlowYaml.Written written = FlowYaml.write(source(current), definition);
        String yaml = written.yaml();
        FlowSpec checked = check(fileName, yaml);
        ObjectNode out = JSON.createObjectNode();
        out.put("valid", true);
        out.put("commentsKept", written.commentsKept());
        out.put("previousVersion", current.version());
        if (dryRun) {
            out.put("dryRun", true);
            out.put("version", checked.version());
            out.put("yaml", yaml);
            json(ctx, out);
            return;
        }
        copySiblings(checked, current);
        Path file = repository.dir().resolve(fileName);
        write(file, yaml);
        reload.run();
        FlowSpec running = flows.get().get(id);
        out.put("dryRun", false);
        out.put("file", fileName);
        out.put("version", running == null ? checked.version() : running.version());
        out.put("running", running != null && running.version().equals(checked.version()));
        json(ctx, out);
    }

    private void create(Context ctx) {
        writing.lock();
        try {
            createNow(ctx);
        } finally {
            writing.unlock();
        }
    }

    private void createNow(Context ctx) {
        writable();
        ObjectNode in = ApiSupport.body(ctx);
        String template = ApiSupport.text(in, "template");
        String id = ApiSupport.text(in, "id");
        String name = ApiSupport.text(in, "name");
        if (template == null || id == null) {
            throw ApiSupport.badRequest("give \"template\" (a shipped flow's id) and \"id\" (the new flow's id)");
        }
        if (!ID.matcher(id).matches()) {
            throw ApiSupport.badRequest("\"id\" must be lower-case letters, digits and dashes (at most 63), e.g. "
                    + "my-order-flow; got '" + ApiSupport.clip(id) + "'");
        }
        if (name != null && (name.length() > 200 || name.chars().anyMatch(Character::isISOControl))) {
            throw ApiSupport.badRequest("\"name\" must be at most 200 characters without control characters");
        }
        String templateFile = template + ".yaml";
        Optional<String> templateYaml = ID.matcher(template).matches()
                && FlowRepository.shippedFlowFiles().contains(templateFile)
                ? FlowRepository.shippedFile(templateFile) : Optional.empty();
        if (templateYaml.isEmpty()) {
            throw ApiSupport.badRequest("\"template\" must be a shipped flow (" + String.join(", ",
                    FlowRepository.shippedFlowFiles().stream().map(f -> f.replaceFirst("\\.ya?ml$", "")).toList())
                    + "); got '" + ApiSupport.clip(template) + "'");
        }
        Path file = repository.dir().resolve(id + ".yaml");
        if (flows.get().containsKey(id) || Files.exists(file) || Files.exists(repository.dir().resolve(id + ".yml"))) {
            throw ProblemException.conflict("a flow '" + id + "' exists already; choose another id");
        }
        ObjectNode definition = (ObjectNode) FlowYaml.read(templateYaml.get());
        // A copy of a shipped flow would handle the same events as the original: it starts switched off (where the
        // template says "enabled", or right under its name, where a reader of the file looks first).
        ObjectNode renamed = JSON.createObjectNode();
        definition.properties().forEach(e -> {
            renamed.set(e.getKey(), e.getValue());
            if (!definition.has("enabled") && e.getKey().equals(definition.has("name") ? "name" : "id")) {
                renamed.put("enabled", false);
            }
        });
        renamed.put("id", id);
        if (name != null) {
            renamed.put("name", name);
        }
        renamed.put("enabled", false);
        String yaml = FlowYaml.write(templateYaml.get(), renamed).yaml();
        FlowSpec checked = check(id + ".yaml", yaml);
        copySiblings(checked, null);
        write(file, yaml);
        reload.run();
        ObjectNode out = JSON.createObjectNode();
        out.put("id", id);
        out.put("file", id + ".yaml");
        out.put("version", checked.version());
        out.put("template", template);
        out.put("enabled", false);
        json(ctx, 201, out);
    }

    private void versions(Context ctx) {
        String id = id(ctx);
        List<FlowVersionStore.Version> all = versions.store().versions(id);
        FlowSpec running = flows.get().get(id);
        if (all.isEmpty() && running == null) {
            throw ApiSupport.notFound("no flow '" + id + "' is loaded or was ever loaded");
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        for (FlowVersionStore.Version v : all) {
            ObjectNode n = items.addObject();
            n.put("version", v.version());
            n.put("file", v.file().startsWith("classpath:") ? v.file() : Path.of(v.file()).getFileName().toString());
            n.put("loadedAt", ApiSupport.time(v.loadedAt()));
            n.put("running", running != null && running.version().equals(v.version()));
        }
        json(ctx, body);
    }

    private void diff(Context ctx) {
        String id = id(ctx);
        FlowVersionStore.Version a = stored(id, ctx.pathParam("a"));
        FlowVersionStore.Version b = stored(id, ctx.pathParam("b"));
        List<String> lines = FlowVersions.diff(a, b);
        ObjectNode body = JSON.createObjectNode();
        body.put("from", a.version());
        body.put("to", b.version());
        ArrayNode changes = body.putArray("changes");
        lines.forEach(changes::add);
        json(ctx, body);
    }

    private FlowVersionStore.Version stored(String id, String version) {
        if (!VERSION.matcher(version).matches()) {
            throw ApiSupport.notFound("'" + ApiSupport.clip(version) + "' is not a flow version (hex digits)");
        }
        return versions.store().version(id, version).orElseThrow(() ->
                ApiSupport.notFound("flow '" + id + "' never had version " + version));
    }

    private void writable() {
        if (reload == null) {
            throw new ProblemException(Problem.of(409, "no_flows_dir", "Flow files cannot be written",
                    "this Tandem has no flows.dir (tandem.yaml flows.dir: a folder it watches); the designer saves "
                            + "flow files there"));
        }
    }

    /** Loads the text with the loader of the running flows; its problems are a 422 naming where each one is. */
    private FlowSpec check(String fileName, String yaml) {
        try {
            return repository.loadText(fileName, yaml);
        } catch (FlowFileException e) {
            FlowYaml.Paths where = FlowYaml.paths(yaml);
            List<ObjectNode> problems = new ArrayList<>();
            for (FlowProblem p : e.problems()) {
                String path = p.file().equals(fileName) && p.line() > 0 ? where.at(p.line(), p.column()) : null;
                if (path == null && !p.file().equals(fileName)) {
                    path = where.stepNaming(p.file());
                }
                problems.add(problem(path, p, p.message()));
            }
            throw invalid(problems);
        }
    }

    private static ObjectNode problem(String path, FlowProblem at, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("path", path);
        n.put("step", path == null ? null : FlowYaml.stepOf(path));
        n.put("message", message);
        if (at != null) {
            n.put("file", Path.of(at.file().replaceFirst("^classpath:", "")).getFileName().toString());
            n.put("line", at.line());
            n.put("column", at.column());
        }
        return n;
    }

    private static ProblemException invalid(List<ObjectNode> problems) {
        return new ProblemException(Problem.of(422, "invalid_flow", "The flow is not valid",
                problems.size() + " problem(s): " + String.join("; ", problems.stream().limit(5)
                        .map(p -> p.path("message").asText()).toList())).with("problems", problems));
    }

    /**
     * The files a flow names (mappings, lookup tables, the example record) must be beside it in flows.dir: those
     * that are not there yet are copied from where the running version read them (the shipped flows).
     */
    private void copySiblings(FlowSpec checked, FlowSpec current) {
        Set<String> names = new LinkedHashSet<>(checked.mappingSources().keySet());
        checked.definition().lookups().values().forEach(l -> names.add(l.file()));
        if (checked.definition().example() != null) {
            names.add(checked.definition().example());
        }
        Path folder = repository.dir().toAbsolutePath();
        for (String name : names) {
            Path target = folder.resolve(name).normalize();
            if (!target.startsWith(folder) || Files.exists(target)) {
                continue;
            }
            Optional<String> text = FlowRepository.shippedFile(name);
            if (text.isPresent()) {
                try {
                    Files.createDirectories(target.getParent());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                write(target, text.get());
            }
        }
    }

    /** Writes beside the target, then moves over it in one step: the reloader never reads half a file. */
    private static void write(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The flow file could not be written",
                    "writing " + file.getFileName() + " in flows.dir failed: " + e.getMessage()));
        }
    }

    private static String fileName(FlowSpec spec) {
        String f = spec.file().replaceFirst("^classpath:", "");
        return Path.of(f).getFileName().toString();
    }

    private static String source(FlowSpec spec) {
        if (spec.file().startsWith("classpath:")) {
            return FlowRepository.shippedFile(fileName(spec)).orElseThrow(() ->
                    ApiSupport.notFound("the shipped file of flow '" + spec.id() + "' is not in the jar"));
        }
        try {
            return Files.readString(Path.of(spec.file()));
        } catch (IOException e) {
            throw ApiSupport.notFound("the file of flow '" + spec.id() + "' cannot be read: " + e.getMessage());
        }
    }
}
