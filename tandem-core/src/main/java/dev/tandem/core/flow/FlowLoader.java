package dev.tandem.core.flow;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;
import dev.tandem.core.config.Durations;
import dev.tandem.core.flow.model.AggregateStep;
import dev.tandem.core.flow.model.ChoiceStep;
import dev.tandem.core.flow.model.EnrichStep;
import dev.tandem.core.flow.model.ErrorHandlerDefinition;
import dev.tandem.core.flow.model.FetchStep;
import dev.tandem.core.flow.model.FilterStep;
import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.flow.model.IdempotentConsumerStep;
import dev.tandem.core.flow.model.SplitStep;
import dev.tandem.core.flow.model.StepDefinition;
import dev.tandem.core.flow.model.ToStep;
import dev.tandem.core.flow.model.TransformStep;
import dev.tandem.core.flow.model.ValidateStep;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.mapping.functions.FunctionLibrary;
import dev.tandem.core.mapping.functions.LookupTable;
import dev.tandem.core.retry.RetryPolicy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a flow file: YAML → checked against the generated {@link FlowSchema} → bound to {@link FlowDefinitionFile}
 * → every JSONata expression and mapping file compiled → systems and enrichers checked against the
 * {@link FlowCatalog}. Every problem names its file, line and column; all of a file's problems are reported at
 * once, so a user fixes them in one go.
 */
public final class FlowLoader {

    /** Limits that keep a hostile or broken file from costing more than a real one ever needs. */
    public static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0,79}");
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.+?)}}");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    private static final ObjectMapper BIND = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final FlowCatalog catalog;
    private final Function<String, String> environment;

    /** A loader that resolves {@code ${env:NAME}} credential references from the process environment. */
    public FlowLoader(FlowCatalog catalog) {
        this(catalog, System::getenv);
    }

    /** @param environment the value of an environment variable, or null when it is not set */
    public FlowLoader(FlowCatalog catalog, Function<String, String> environment) {
        this.catalog = catalog;
        this.environment = environment;
    }

    /**
     * Loads one flow file.
     *
     * @param file     the file's name for messages and for {@link FlowSpec#file()}
     * @param yaml     its text
     * @param siblings reads a file named relative to the flow file (a mapping, a lookup table); empty when absent
     * @throws FlowFileException with every problem found
     */
    public FlowSpec load(String file, String yaml, Function<String, Optional<String>> siblings) {
        List<FlowProblem> problems = new ArrayList<>();
        if (yaml.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
            throw new FlowFileException(List.of(new FlowProblem(file, 0, 0,
                    "the file is larger than " + MAX_FILE_BYTES + " bytes")));
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            int col = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
            throw new FlowFileException(List.of(new FlowProblem(file, line, col,
                    "not valid YAML: " + e.getOriginalMessage())));
        }
        if (tree == null || !tree.isObject()) {
            throw new FlowFileException(List.of(new FlowProblem(file, 1, 1,
                    "a flow file is a YAML mapping with id, from and steps")));
        }
        YamlLocations where = YamlLocations.of(yaml);
        // A step is a one-key map whose key is its kind. The schema says so with an anyOf over the kinds, whose
        // failures would list every kind; check the kind here and keep only the schema's word on the kind given.
        Map<String, String> stepKinds = new LinkedHashMap<>();
        collectSteps(tree.path("steps"), "steps", stepKinds);
        for (Map.Entry<String, String> step : stepKinds.entrySet()) {
            if (step.getValue() == null) {
                YamlLocations.Position p = where.at(step.getKey());
                JsonNode node = at(tree, step.getKey());
                String given = node.isObject() ? String.join(", ", node.properties().stream().map(Map.Entry::getKey).toList()) : node.getNodeType().toString().toLowerCase();
                problems.add(new FlowProblem(file, p.line(), p.column(), (node.isObject() && node.size() == 1
                        ? "unknown step '" + given + "'" : "a step is a map with one key, its kind; got " + given)
                        + " (known: " + String.join(", ", KINDS) + ")"));
            }
        }
        for (ValidationMessage m : schemaErrors(tree)) {
            List<String> path = path(m.getInstanceLocation());
            if (stepKinds.containsKey(String.join("/", path))) {
                continue; // the step's own level: its kind was checked above; the branches' complaints are noise
            }
            if (m.getProperty() != null && "additionalProperties".equals(m.getType())) {
                path = new ArrayList<>(path);
                path.add(m.getProperty());
            }
            YamlLocations.Position p = where.at(path);
            problems.add(new FlowProblem(file, p.line(), p.column(), describe(m)));
        }
        if (!problems.isEmpty()) {
            throw new FlowFileException(problems);
        }
        FlowDefinitionFile def;
        try {
            def = BIND.treeToValue(tree, FlowDefinitionFile.class);
        } catch (JsonProcessingException e) {
            throw new FlowFileException(List.of(new FlowProblem(file, 1, 1, "cannot read the flow: " + e.getOriginalMessage())));
        }

        Map<String, String> hashed = new TreeMap<>();
        Map<String, LookupTable> tables = new LinkedHashMap<>();
        for (Map.Entry<String, FlowDefinitionFile.Lookup> lookup : def.lookups().entrySet()) {
            String lookupFile = lookup.getValue().file();
            Optional<String> text = siblings.apply(lookupFile);
            YamlLocations.Position at = where.at("lookups/" + lookup.getKey());
            if (text.isEmpty()) {
                problems.add(new FlowProblem(file, at.line(), at.column(), "lookup table file " + lookupFile + " does not exist"));
                continue;
            }
            hashed.put(lookupFile, text.get());
            try {
                tables.put(lookup.getKey(), LookupTable.read(Path.of(lookupFile),
                        new ByteArrayInputStream(text.get().getBytes(StandardCharsets.UTF_8)), lookup.getValue().key()));
            } catch (RuntimeException e) {
                problems.add(new FlowProblem(lookupFile, 0, 0, "lookup table " + lookup.getKey() + ": " + e.getMessage()));
            }
        }
        FunctionLibrary functions = FunctionLibrary.of(def.picklists(), tables);
        Compiler c = new Compiler(file, where, problems, functions);
        c.sourceSystem = def.from().system() == null ? "" : def.from().system();
        if (!ID.matcher(def.id()).matches()) {
            c.problem("id", "id '" + def.id() + "' must be lower-case letters, digits and dashes (at most 63), e.g. clarity-order-to-salesforce");
        }
        if (def.from().events().isEmpty()) {
            c.problem("from/events", "from.events names no event type");
        }
        if (def.from().when() != null) {
            c.expr("from/when", def.from().when());
        }
        if (def.from().key() != null) {
            c.expr("from/key", def.from().key());
        }
        Map<String, JsonataMapping> mappings = new LinkedHashMap<>();
        checkSteps(def.steps(), "steps", c, siblings, mappings, hashed);
        String example = null;
        if (def.example() != null) {
            Optional<String> text = siblings.apply(def.example());
            if (text.isEmpty()) {
                c.problem("example", "example record file " + def.example() + " does not exist");
            } else {
                example = text.get();
                hashed.put(def.example(), example);
            }
        }
        RetryPolicy redelivery = null;
        Map<String, RetryPolicy> byCode = new LinkedHashMap<>();
        ErrorHandlerDefinition handler = def.errorHandler();
        if (handler != null && handler.deadLetterChannel() != null) {
            ErrorHandlerDefinition.DeadLetterChannel dlc = handler.deadLetterChannel();
            redelivery = dlc.redelivery() == null ? null
                    : policy(dlc.redelivery(), RetryPolicy.defaults(), "errorHandler/deadLetterChannel/redelivery", c);
            for (int i = 0; i < dlc.onErrors().size(); i++) {
                ErrorHandlerDefinition.OnError on = dlc.onErrors().get(i);
                RetryPolicy p = policy(on.redelivery(), redelivery == null ? RetryPolicy.defaults() : redelivery, "errorHandler/deadLetterChannel/onErrors/" + i + "/redelivery", c);
                for (String code : on.codes()) {
                    byCode.putIfAbsent(code, p);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new FlowFileException(problems);
        }
        String version = version(yaml, hashed);
        Map<String, String> mappingSources = new LinkedHashMap<>();
        mappings.keySet().forEach(m -> mappingSources.put(m, hashed.get(m)));
        return new FlowSpec(def, file, version, def.enabled() == null || def.enabled(), c.expressions, mappings,
                redelivery, byCode, mappingSources, example, Secrets.of(c.secrets));
    }

    private void checkSteps(List<StepDefinition> steps, String at, Compiler c, Function<String, Optional<String>> siblings,
                            Map<String, JsonataMapping> mappings, Map<String, String> hashed) {
        if (steps.isEmpty() && at.equals("steps")) {
            c.problem("steps", "a flow needs at least one step");
        }
        int openSplits = 0;
        for (int i = 0; i < steps.size(); i++) {
            StepDefinition step = steps.get(i);
            String p = at + "/" + i + "/" + step.kind();
            switch (step) {
                case SplitStep s -> {
                    openSplits++;
                    c.expr(p + "/expression", s.expressionOrDefault());
                    if (s.maxParts() != null && s.maxParts() < 1) {
                        c.problem(p + "/maxParts", "maxParts must be at least 1, got " + s.maxParts());
                    }
                }
                case AggregateStep s -> {
                    if (openSplits == 0) {
                        c.problem(at + "/" + i, "an aggregate closes a split, and there is no open split before it in this list of steps");
                    } else {
                        openSplits--;
                    }
                    c.expr(p + "/aggregationStrategy", s.strategyOrDefault());
                }
                case IdempotentConsumerStep s -> c.expr(p + "/key", s.key());
                case FetchStep s -> {
                    if (!catalog.readers().contains(s.system())) {
                        c.problem(p + "/system", "no connector can read from system '" + s.system() + "' (known: "
                                + sorted(catalog.readers()) + ")");
                    }
                    if (s.id() != null) {
                        c.expr(p + "/id", s.id());
                    }
                    for (int r = 0; r < s.related().size(); r++) {
                        FetchStep.Related rel = s.related().get(r);
                        c.expr(p + "/related/" + r + "/id", rel.id());
                        if (rel.when() != null) {
                            c.expr(p + "/related/" + r + "/when", rel.when());
                        }
                    }
                }
                case FilterStep s -> c.expr(p + "/when", s.when());
                case ValidateStep s -> {
                    if (s.rules().isEmpty() && s.profile() == null) {
                        c.problem(p, "a validate step needs rules, a profile, or both");
                    }
                    if (s.profile() != null) {
                        ValidateStep.Profile prof = s.profile();
                        if (prof.minObservations() < 1 || prof.minObservations() > 1_000_000_000) {
                            c.problem(p + "/profile/minObservations", "minObservations must be between 1 and 1000000000, got "
                                    + prof.minObservations());
                        }
                        if (prof.fields() != null && prof.fields().isEmpty()) {
                            c.problem(p + "/profile/fields", "name at least one field, or leave fields out to profile every field");
                        }
                        if (prof.fields() != null && prof.fields().size() > dev.tandem.core.profile.Profiles.MAX_FIELDS) {
                            c.problem(p + "/profile/fields", "at most " + dev.tandem.core.profile.Profiles.MAX_FIELDS
                                    + " fields can be profiled, got " + prof.fields().size());
                        }
                        if (prof.fields() != null) {
                            for (String f : prof.fields().keySet()) {
                                if (!dev.tandem.core.profile.Profiles.PATH.matcher(f).matches()) {
                                    c.problem(p + "/profile/fields/" + f, "'" + (f.length() > 100 ? f.substring(0, 100) + "..." : f)
                                            + "' is not a field path (keys joined by dots, [] after a key for each element"
                                            + " of an array, e.g. Lines[].Quantity)");
                                }
                            }
                        }
                    }
                    for (int r = 0; r < s.rules().size(); r++) {
                        ValidateStep.Rule rule = s.rules().get(r);
                        String rp = p + "/rules/" + r;
                        c.expr(rp + "/rule", rule.rule());
                        if (rule.each() != null) {
                            c.expr(rp + "/each", rule.each());
                        }
                        if (!CODE.matcher(rule.code()).matches()) {
                            c.problem(rp + "/code", "code '" + rule.code() + "' must be UPPER_SNAKE_CASE, e.g. BUSINESS_RULE_VIOLATION");
                        }
                        Matcher m = TEMPLATE.matcher(rule.message());
                        while (m.find()) {
                            c.expr(rp + "/message", m.group(1).trim());
                        }
                    }
                }
                case ChoiceStep s -> {
                    if (s.when().isEmpty()) {
                        c.problem(p + "/when", "a choice needs at least one branch");
                    }
                    for (int w = 0; w < s.when().size(); w++) {
                        c.expr(p + "/when/" + w + "/condition", s.when().get(w).condition());
                        checkSteps(s.when().get(w).steps(), p + "/when/" + w + "/steps", c, siblings, mappings, hashed);
                    }
                    checkSteps(s.otherwise(), p + "/otherwise", c, siblings, mappings, hashed);
                }
                case TransformStep s -> {
                    Optional<String> text = siblings.apply(s.mapping());
                    if (text.isEmpty()) {
                        c.problem(p + "/mapping", "mapping file " + s.mapping() + " does not exist (paths are relative to the flow file)");
                    } else {
                        hashed.put(s.mapping(), text.get());
                        try {
                            mappings.put(s.mapping(), JsonataMapping.compile(s.mapping(), text.get(), c.functions));
                        } catch (MappingException e) {
                            int[] lc = lineColumn(text.get(), e.position());
                            c.problems.add(new FlowProblem(s.mapping(), lc[0], lc[1], rootMessage(e)));
                        }
                    }
                }
                case EnrichStep s -> {
                    if ((s.using() == null) == (s.http() == null)) {
                        c.problem(at + "/" + i + "/enrich", "an enrich step names exactly one source: using (a named enricher) or http");
                    } else if (s.using() != null) {
                        if (!catalog.enrichers().contains(s.using())) {
                            c.problem(p + "/using", "no enricher named '" + s.using() + "' (known: " + sorted(catalog.enrichers()) + ")");
                        }
                        if (s.aggregationStrategy() != null) {
                            c.problem(p + "/aggregationStrategy", "aggregationStrategy goes with http; a named enricher fills the plan itself");
                        }
                    } else {
                        checkHttp(s, p, c);
                    }
                }
                case ToStep s -> {
                    if (!catalog.writers().contains(s.system())) {
                        c.problem(p + "/system", "no connector can write to system '" + s.system() + "' (known: "
                                + sorted(catalog.writers()) + ")");
                    }
                    if (s.master() != null) {
                        checkMaster(s, p + "/master", c);
                    }
                    if (s.writeBack() != null) {
                        if (s.master() == null) {
                            c.problem(p + "/writeBack", "writeBack needs a master block: it names the source record of each object");
                        } else {
                            for (String o : s.writeBack().objects()) {
                                if (!s.master().objects().containsKey(o)) {
                                    c.problem(p + "/writeBack/objects", "writeBack names " + o
                                            + ", which has no source in master.objects (known: " + sorted(s.master().objects().keySet()) + ")");
                                }
                            }
                        }
                        if (!catalog.writers().contains(c.sourceSystem)) {
                            c.problem(p + "/writeBack", "no connector can write back to the source system '" + c.sourceSystem + "'");
                        }
                    }
                }
            }
        }
    }

    /** The master-data policy: known policies naming the flow's two systems, a positive window, a source per object. */
    private void checkMaster(ToStep s, String p, Compiler c) {
        dev.tandem.core.flow.model.MasterDefinition m = s.master();
        Set<String> systems = new java.util.TreeSet<>(List.of(s.system(), c.sourceSystem));
        checkPolicy(m.defaultPolicy(), p + "/default", systems, c);
        if (m.window() != null) {
            try {
                if (Durations.parse(m.window()).isNegative()) {
                    c.problem(p + "/window", "window must not be negative, got " + m.window());
                }
            } catch (RuntimeException e) {
                c.problem(p + "/window", "window '" + m.window() + "' is not a duration such as 90s, 2m or 1h");
            }
        }
        if (m.objects().isEmpty()) {
            c.problem(p + "/objects", "a master-data policy names at least one target object, e.g. Contact");
        }
        m.objects().forEach((entity, op) -> {
            String op0 = p + "/objects/" + entity;
            if (op.source() == null || op.source().entity() == null || op.source().id() == null) {
                c.problem(op0 + "/source", "name the source counterpart of " + entity
                        + ": {at: <path in the fetched record>, entity: <source entity>, id: <its id field>}");
            }
            checkPolicy(op.defaultPolicy(), op0 + "/default", systems, c);
            if (op.fields().isEmpty()) {
                c.problem(op0 + "/fields", "name the fields of " + entity + " the policy covers, e.g. Phone: {source: Phone1}");
            }
            op.fields().forEach((field, fp) -> {
                if (fp == null || fp.source() == null || fp.source().isBlank()) {
                    c.problem(op0 + "/fields/" + field + "/source", "name the source field " + field + " is mapped from");
                } else {
                    checkPolicy(fp.master(), op0 + "/fields/" + field + "/master", systems, c);
                }
            });
        });
    }

    private static void checkPolicy(String policy, String p, Set<String> systems, Compiler c) {
        if (policy == null) {
            return;
        }
        var parsed = dev.tandem.core.sync.Policy.parse(policy);
        boolean ok = parsed.isPresent() && (parsed.get().kind() != dev.tandem.core.sync.Policy.Kind.WINS
                && parsed.get().kind() != dev.tandem.core.sync.Policy.Kind.ONLY
                || systems.contains(parsed.get().system()));
        if (!ok) {
            c.problem(p, "unknown master policy '" + policy + "': use "
                    + String.join(", ", systems.stream().map(x -> x + "-wins").toList()) + ", "
                    + String.join(", ", systems.stream().map(x -> x + "-only").toList()) + ", newest-wins or manual");
        }
    }

    private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

    private void checkHttp(EnrichStep s, String p, Compiler c) {
        EnrichStep.Http http = s.http();
        String hp = p + "/http";
        if (s.aggregationStrategy() == null) {
            c.problem(p, "an http enrich needs an aggregationStrategy: JSONata merging $response into the body, e.g. $merge([$, {\"Tax\": $response.totalTax}])");
        } else {
            c.expr(p + "/aggregationStrategy", s.aggregationStrategy());
        }
        String literal = TEMPLATE.matcher(http.url()).replaceAll("x");
        if (!literal.startsWith("https://") && !literal.startsWith("http://")) {
            c.problem(hp + "/url", "url must start with https:// or http://, got '" + http.url() + "'");
        }
        template(http.url(), hp + "/url", c);
        for (Map.Entry<String, String> h : http.headers().entrySet()) {
            String where = hp + "/headers/" + h.getKey();
            if (!h.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                c.problem(where, "'" + h.getKey() + "' is not a valid header name (RFC 9110, 5.1)");
            } else if (CLIENT_HEADERS.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
                c.problem(where, "header " + h.getKey() + " is set by the HTTP client, not by the flow");
            }
            template(h.getValue(), where, c);
        }
        if (http.body() != null) {
            c.expr(hp + "/body", http.body());
        }
        if (http.timeout() != null) {
            try {
                Duration t = Durations.parse(http.timeout());
                if (t.isZero() || t.isNegative() || t.compareTo(MAX_TIMEOUT) > 0) {
                    c.problem(hp + "/timeout", "timeout must be more than 0 and at most 5m, got " + http.timeout());
                }
            } catch (IllegalArgumentException e) {
                c.problem(hp + "/timeout", "timeout: " + e.getMessage());
            }
        }
        if (http.maxResponseBytes() != null && (http.maxResponseBytes() < 1 || http.maxResponseBytes() > 64 * 1024 * 1024)) {
            c.problem(hp + "/maxResponseBytes", "maxResponseBytes must be between 1 and 67108864, got " + http.maxResponseBytes());
        }
        EnrichStep.Cache cache = http.cache();
        if (cache != null) {
            c.expr(hp + "/cache/key", cache.key());
            if (cache.ttl() != null) {
                try {
                    if (Durations.parse(cache.ttl()).compareTo(Duration.ZERO) <= 0) {
                        c.problem(hp + "/cache/ttl", "ttl must be more than 0, got " + cache.ttl());
                    }
                } catch (IllegalArgumentException e) {
                    c.problem(hp + "/cache/ttl", "ttl: " + e.getMessage());
                }
            }
            if (cache.maxEntries() != null && (cache.maxEntries() < 1 || cache.maxEntries() > 1_000_000)) {
                c.problem(hp + "/cache/maxEntries", "maxEntries must be between 1 and 1000000, got " + cache.maxEntries());
            }
        }
    }

    /** Compiles a template's {@code {{expr}}} parts and resolves its {@code ${env:NAME}} references. */
    private void template(String text, String at, Compiler c) {
        Matcher m = TEMPLATE.matcher(text);
        while (m.find()) {
            c.expr(at, m.group(1).trim());
        }
        for (String name : Secrets.references(text)) {
            String value = environment.apply(name);
            if (value == null || value.isEmpty()) {
                c.problem(at, "environment variable " + name + " (${env:" + name + "}) is " + (value == null ? "not set" : "empty"));
            } else {
                c.secrets.put(name, value);
            }
        }
        if (Secrets.REFERENCE.matcher(text).replaceAll("").contains("${env:")) {
            c.problem(at, "a credential reference is written ${env:NAME} (NAME: letters, digits, _), got '" + text + "'");
        }
    }

    private static RetryPolicy policy(ErrorHandlerDefinition.Redelivery r, RetryPolicy base, String at, Compiler c) {
        if (r == null) {
            return base;
        }
        try {
            Duration delay = r.redeliveryDelay() == null ? base.initialDelay() : Durations.parse(r.redeliveryDelay());
            Duration max = r.maximumRedeliveryDelay() == null ? base.maxDelay() : Durations.parse(r.maximumRedeliveryDelay());
            int attempts = r.maximumRedeliveries() == null ? base.maxAttempts() : r.maximumRedeliveries() + 1;
            return new RetryPolicy(delay, r.backOffMultiplier() == null ? base.multiplier() : r.backOffMultiplier(),
                    max.compareTo(delay) < 0 ? delay : max, attempts, r.jitter() == null ? base.jitter() : r.jitter());
        } catch (IllegalArgumentException e) {
            c.problem(at, "redelivery: " + e.getMessage());
            return base;
        }
    }

    private static final List<String> KINDS = List.of("idempotentConsumer", "fetch", "filter", "validate", "choice",
            "transform", "enrich", "split", "aggregate", "to");

    /** Every step's path, with its kind, or null when the step is not a one-key map of a known kind. */
    private static void collectSteps(JsonNode steps, String at, Map<String, String> out) {
        if (!steps.isArray()) {
            return;
        }
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String p = at + "/" + i;
            String kind = step.isObject() && step.size() == 1 ? step.properties().iterator().next().getKey() : null;
            out.put(p, kind != null && KINDS.contains(kind) ? kind : null);
            if ("choice".equals(kind)) {
                JsonNode choice = step.path("choice");
                JsonNode branches = choice.path("when");
                for (int w = 0; w < branches.size(); w++) {
                    collectSteps(branches.get(w).path("steps"), p + "/choice/when/" + w + "/steps", out);
                }
                collectSteps(choice.path("otherwise"), p + "/choice/otherwise", out);
            }
        }
    }

    private static JsonNode at(JsonNode tree, String path) {
        JsonNode n = tree;
        for (String part : path.split("/")) {
            n = n.isArray() ? n.path(Integer.parseInt(part)) : n.path(part);
        }
        return n;
    }

    private static Set<ValidationMessage> schemaErrors(JsonNode tree) {
        return FlowSchema.validator().validate(tree);
    }

    private static List<String> path(JsonNodePath p) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < p.getNameCount(); i++) {
            out.add(String.valueOf(p.getElement(i)));
        }
        return out;
    }

    private static String describe(ValidationMessage m) {
        String text = m.getMessage();
        // networknt prefixes the instance path ("$.steps[0].fetch: ..."); the line and column already say where.
        int colon = text.indexOf(": ");
        if (text.startsWith("$") && colon > 0) {
            text = text.substring(colon + 2);
        }
        if ("additionalProperties".equals(m.getType())) {
            text = "unknown key '" + m.getProperty() + "'";
        }
        return text;
    }

    private static String sorted(Set<String> names) {
        return String.join(", ", names.stream().sorted(Comparator.naturalOrder()).toList());
    }

    private static String rootMessage(MappingException e) {
        Throwable t = e.getCause() == null ? e : e.getCause();
        return "JSONata: " + t.getMessage();
    }

    /** 1-based line and column of a character offset; (0, 0) when unknown. */
    static int[] lineColumn(String text, int offset) {
        if (offset < 0) {
            return new int[]{0, 0};
        }
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new int[]{line, col};
    }

    private static String version(String yaml, Map<String, String> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(yaml.getBytes(StandardCharsets.UTF_8));
            files.forEach((name, text) -> {
                sha.update((byte) 0);
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(text.getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Compiles the JSONata expressions of one file, collecting problems with their YAML positions. */
    private static final class Compiler {
        final String file;
        final YamlLocations where;
        final List<FlowProblem> problems;
        final Map<String, JsonataMapping> expressions = new LinkedHashMap<>();
        final FunctionLibrary functions;
        final Map<String, String> secrets = new LinkedHashMap<>();
        /** The flow's source system (from.system), for the master-data policy's {@code <system>-wins}. */
        String sourceSystem = "";

        Compiler(String file, YamlLocations where, List<FlowProblem> problems, FunctionLibrary functions) {
            this.file = file;
            this.where = where;
            this.problems = problems;
            this.functions = functions;
        }

        void expr(String path, String source) {
            if (expressions.containsKey(source)) {
                return;
            }
            try {
                expressions.put(source, JsonataMapping.compile(file + "#" + path, source, functions));
            } catch (MappingException e) {
                YamlLocations.Position p = where.at(path);
                problems.add(new FlowProblem(file, p.line(), p.column(), "JSONata in " + path.replace('/', '.')
                        + ": " + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage())));
            }
        }

        void problem(String path, String message) {
            YamlLocations.Position p = where.at(path);
            problems.add(new FlowProblem(file, p.line(), p.column(), message));
        }
    }
}
