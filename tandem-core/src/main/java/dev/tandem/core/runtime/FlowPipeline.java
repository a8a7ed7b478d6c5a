package dev.tandem.core.runtime;

import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.RecordEdit;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.flow.model.AggregateStep;
import dev.tandem.core.flow.model.ChoiceStep;
import dev.tandem.core.flow.model.EnrichStep;
import dev.tandem.core.flow.model.FetchStep;
import dev.tandem.core.flow.model.FilterStep;
import dev.tandem.core.flow.model.IdempotentConsumerStep;
import dev.tandem.core.flow.model.SplitStep;
import dev.tandem.core.flow.model.StepDefinition;
import dev.tandem.core.flow.model.ToStep;
import dev.tandem.core.flow.model.TransformStep;
import dev.tandem.core.flow.model.Trigger;
import dev.tandem.core.flow.model.ValidateStep;
import dev.tandem.core.flow.step.Aggregate;
import dev.tandem.core.flow.step.Choice;
import dev.tandem.core.flow.step.Enrich;
import dev.tandem.core.flow.step.Fetch;
import dev.tandem.core.flow.step.Filter;
import dev.tandem.core.flow.step.HttpEnrich;
import dev.tandem.core.flow.step.IdempotentConsumer;
import dev.tandem.core.flow.step.Split;
import dev.tandem.core.flow.step.To;
import dev.tandem.core.flow.step.Transform;
import dev.tandem.core.flow.step.Validate;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.spi.IdMap;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Interprets a flow file (cf. Kafka Connect's {@code WorkerSinkTask}: the worker owns the pipeline, the plugins only
 * read and write). Events of one batch for the same record become one exchange; each step gets the exchanges not
 * yet settled; what reaches the end settles as synced. A step that throws a mapping error is run again one exchange
 * at a time, so only the record that broke it is dead-lettered (MAPPING_ERROR), never its neighbours.
 */
public final class FlowPipeline implements Flow {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
    private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.+?)}}");

    private final FlowSpec spec;
    private final List<Step> steps;
    private final IdMap links;
    private final Clock clock;
    private final Set<String> eventTypes;
    private final JsonataMapping when;
    private final JsonataMapping key;
    private volatile dev.tandem.core.state.Redactor redactor = dev.tandem.core.state.Redactor.defaults();
    private final Set<String> systems;
    /** The profile rules of the flow's validate steps (branches included): told which exchanges synced, to learn. */
    private final List<dev.tandem.core.flow.step.ProfileCheck> profileChecks = new ArrayList<>();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FlowPipeline.class);

    public FlowPipeline(FlowSpec spec, Map<String, ConnectorParts> connectors, IdMap links, Clock clock) {
        this.spec = spec;
        this.links = links;
        this.clock = clock;
        this.steps = build(spec.definition().steps(), connectors);
        this.eventTypes = Set.copyOf(spec.definition().from().events());
        this.when = spec.definition().from().when() == null ? null : spec.expression(spec.definition().from().when());
        this.key = spec.definition().from().key() == null ? null : spec.expression(spec.definition().from().key());
        Set<String> used = new java.util.TreeSet<>();
        used.add(spec.definition().from().system());
        systemsOf(spec.definition().steps(), connectors, used);
        this.systems = Set.copyOf(used);
    }

    @Override
    public Set<String> systems() {
        return systems;
    }

    /** The systems the steps fetch from, enrich with (a connector's enricher) and write to, branches included. */
    private static void systemsOf(List<StepDefinition> defs, Map<String, ConnectorParts> connectors, Set<String> into) {
        for (StepDefinition def : defs) {
            switch (def) {
                case FetchStep s -> into.add(s.system());
                case ToStep s -> into.add(s.system());
                case EnrichStep s when s.http() == null -> connectors.forEach((system, parts) -> {
                    if (parts.enrichers().containsKey(s.using())) {
                        into.add(system);
                    }
                });
                case ChoiceStep s -> {
                    s.when().forEach(w -> systemsOf(w.steps(), connectors, into));
                    systemsOf(s.otherwise(), connectors, into);
                }
                default -> {
                }
            }
        }
    }

    public FlowSpec spec() {
        return spec;
    }

    @Override
    public String name() {
        return spec.id();
    }

    @Override
    public String version() {
        return spec.version();
    }

    @Override
    public boolean enabled() {
        return spec.enabled();
    }

    @Override
    public boolean startsAtLatest() {
        return spec.definition().from().startAt() == Trigger.StartAt.latest;
    }

    @Override
    public Optional<RetryPolicy> redelivery(String errorCode) {
        return spec.redeliveryFor(errorCode);
    }

    @Override
    public boolean handles(InboundEvent event) {
        if (!spec.definition().from().system().equals(event.source()) || !eventTypes.contains(event.type())) {
            return false;
        }
        if (when == null) {
            return true;
        }
        try {
            return when.test(com.fasterxml.jackson.databind.node.MissingNode.getInstance(), Map.of("event", StepContext.eventNode(event)));
        } catch (MappingException e) {
            return true; // the flow then dead-letters it with the mapping error, visibly, rather than ignoring it
        }
    }

    /** {@code from.key} when it gives a value for the event, else the entity and id (a failing key is no key). */
    @Override
    public String recordKey(InboundEvent event) {
        if (key != null) {
            try {
                JsonNode value = key.apply(com.fasterxml.jackson.databind.node.MissingNode.getInstance(),
                        Map.of("event", StepContext.eventNode(event)));
                if (value.isValueNode() && !value.isNull() && !value.asText().isBlank()) {
                    return value.asText();
                }
            } catch (MappingException e) {
                // falls back to the record's own key: the events are then ordered per record, as without a key
            }
        }
        return Flow.super.recordKey(event);
    }

    @Override
    public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state) {
        return process(batch, state, Map.of());
    }

    @Override
    public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state, Map<Long, RecordEdit> edits) {
        Map<String, List<LoggedEvent>> byRecord = new LinkedHashMap<>();
        for (LoggedEvent e : batch) {
            byRecord.computeIfAbsent(recordKey(e.event()), k -> new ArrayList<>()).add(e);
        }
        List<Exchange> exchanges = byRecord.values().stream().map(Exchange::of).toList();
        StepContext ctx = new StepContext(spec.id(), spec.version(), clock, links, state).withRedactor(redactor);
        List<Exchange> done = run(steps, exchanges, ctx, edits == null ? Map.of() : edits);
        learnProfiles(done, ctx);
        List<FlowOutcome> outcomes = new ArrayList<>(batch.size());
        for (Exchange x : done) {
            FlowOutcome o = x.outcome().orElse(new FlowOutcome.Synced(0, "processed by " + spec.id()));
            if (o instanceof FlowOutcome.Failed f) {
                // What a dead letter shows: the request as mapped (when it got that far) and the related records.
                String request = x.plan().map(p -> JSON.valueToTree(p).toString()).orElse(null);
                o = redacted(f).withDetails(f.details().withRequest(request, x.refs()));
            }
            for (LoggedEvent e : x.events()) {
                outcomes.add(withOffset(o, e.offset()));
            }
        }
        return outcomes;
    }

    private static List<Exchange> run(List<Step> steps, List<Exchange> exchanges, StepContext ctx) {
        return run(steps, exchanges, ctx, Map.of());
    }

    /**
     * The profile rules learn from the exchanges that reached the end (written by the {@code to} step: synced), never
     * from failed, held or skipped ones. A store failure here is logged: the records were written, and a profile that
     * misses one batch is only a little less sure.
     */
    private void learnProfiles(List<Exchange> done, StepContext ctx) {
        if (profileChecks.isEmpty()) {
            return;
        }
        List<Long> synced = new ArrayList<>();
        List<Long> all = new ArrayList<>();
        for (Exchange x : done) {
            all.add(x.first().offset());
            if (x.outcome().isEmpty() || x.outcome().get() instanceof FlowOutcome.Synced) {
                synced.add(x.first().offset());
            }
        }
        for (dev.tandem.core.flow.step.ProfileCheck check : profileChecks) {
            try {
                check.learn(synced, all, ctx);
            } catch (RuntimeException e) {
                LOG.warn("Flow {}: could not save what the profile rule learned from a batch of {} synced records",
                        spec.id(), synced.size(), e);
            }
        }
    }

    /** Masks sensitive fields of the source record a dead letter keeps (the request stays as sent, for an as-is retry). */
    private FlowOutcome.Failed redacted(FlowOutcome.Failed f) {
        if (f.payload() == null || f.payload().isEmpty()) {
            return f;
        }
        try {
            String masked = redactor.redact(JSON.readTree(f.payload())).toString();
            return new FlowOutcome.Failed(f.offset(), f.errorCode(), f.message(), f.retryable(), f.minimumWait(), masked,
                    f.details());
        } catch (java.io.IOException e) {
            return f;
        }
    }

    /** Uses {@code r} for what this flow's audit entries and dead letters keep (by default {@link dev.tandem.core.state.Redactor#defaults()}). */
    public FlowPipeline redacting(dev.tandem.core.state.Redactor r) {
        this.redactor = r;
        return this;
    }

    /** The edit of an exchange: of any of its events (a retried dead letter is one event of it). */
    private static RecordEdit editOf(Exchange x, Map<Long, RecordEdit> edits) {
        for (LoggedEvent e : x.events()) {
            RecordEdit edit = edits.get(e.offset());
            if (edit != null) {
                return edit;
            }
        }
        return null;
    }

    /** Applies operators' edits after the step that produced what they replace: the fetch (source) or the transform (request). */
    private static Exchange applyEdit(Step step, Exchange x, RecordEdit edit, StepContext ctx) {
        try {
            if (step instanceof Fetch && edit.source() != null && edit.source().isObject() && x.body().isObject()) {
                JsonNode merged = JSON.readerForUpdating(x.body().deepCopy()).readValue(edit.source());
                ctx.audit(x, "edit", "operator edit", 0, "OK", "source fields overridden: "
                        + String.join(", ", edit.source().properties().stream().map(Map.Entry::getKey).toList()), 0);
                return x.withBody(merged);
            }
            if (step instanceof Transform && edit.request() != null && edit.request().isObject()) {
                String groupId = x.plan().map(p -> p.id()).orElse("edit-" + x.first().offset());
                ctx.audit(x, "edit", "operator edit", 0, "OK", "mapped request replaced by the operator's edit", 0);
                return x.withPlan(Transform.plan(edit.request(), groupId));
            }
        } catch (java.io.IOException | MappingException e) {
            String message = "the operator's edit cannot be applied: " + e.getMessage();
            ctx.audit(x, "edit", "operator edit", 0, "DEAD_LETTER", "EDIT_INVALID: " + message, 0);
            return x.settle(new FlowOutcome.Failed(0, "EDIT_INVALID", message, false, Duration.ZERO, x.payload(),
                    FlowOutcome.FailureDetails.NONE.withStep("edit")));
        }
        return x;
    }

    private static List<Exchange> run(List<Step> steps, List<Exchange> exchanges, StepContext ctx,
                                      Map<Long, RecordEdit> edits) {
        List<Exchange> all = new ArrayList<>(exchanges);
        for (Step step : steps) {
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                if (!all.get(i).settled()) {
                    open.add(i);
                }
            }
            if (open.isEmpty()) {
                break;
            }
            List<Exchange> in = open.stream().map(all::get).toList();
            List<Exchange> result;
            try {
                result = step.apply(in, ctx);
            } catch (MappingException e) {
                result = oneByOne(step, in, ctx);
            }
            for (int k = 0; k < open.size(); k++) {
                Exchange x = result.get(k);
                if (x.settled() && x.outcome().get() instanceof FlowOutcome.Failed f && f.details().step().isEmpty()) {
                    x = x.settle(f.withDetails(f.details().withStep(step.kind())));
                }
                if (!edits.isEmpty() && !x.settled()) {
                    RecordEdit edit = editOf(x, edits);
                    if (edit != null) {
                        x = applyEdit(step, x, edit, ctx);
                    }
                }
                all.set(open.get(k), x);
            }
        }
        return all;
    }

    private static List<Exchange> oneByOne(Step step, List<Exchange> in, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(in.size());
        for (Exchange x : in) {
            try {
                out.add(step.apply(List.of(x), ctx).getFirst());
            } catch (MappingException e) {
                String message = "a JSONata expression of step " + step.kind() + " failed: " + e.getMessage()
                        + (e.position() >= 0 ? " (at character " + e.position() + ")" : "");
                ctx.audit(x, step.kind(), "JSONata", 0, "DEAD_LETTER", Transform.MAPPING_ERROR + ": " + message, 0);
                out.add(x.settle(new FlowOutcome.Failed(0, Transform.MAPPING_ERROR, message, false, Duration.ZERO, x.payload())));
            }
        }
        return out;
    }

    private List<Step> build(List<StepDefinition> defs, Map<String, ConnectorParts> connectors) {
        List<Step> built = new ArrayList<>();
        for (int i = 0; i < defs.size(); i++) {
            StepDefinition def = defs.get(i);
            if (def instanceof SplitStep s) {
                // The one hook split/aggregate need, at build time only: the steps after a split, up to its matching
                // aggregate (or the end of this list), become the split's scope, each run as run() runs a step.
                int end = SplitStep.matchingAggregate(defs, i);
                List<Step> scope = build(defs.subList(i + 1, end < 0 ? defs.size() : end), connectors);
                Aggregate aggregate = end < 0 ? null : aggregate((AggregateStep) defs.get(end));
                built.add(new Split(spec.expression(s.expressionOrDefault()), s.maxPartsOrDefault(),
                        scope.stream().<Choice.Pipeline>map(step -> (b, c) -> run(List.of(step), b, c)).toList(), aggregate));
                i = end < 0 ? defs.size() : end;
                continue;
            }
            built.add(switch (def) {
                case IdempotentConsumerStep s -> new IdempotentConsumer(s.link(), spec.expression(s.key()));
                case FetchStep s -> new Fetch(s.system(), s.entity(), s.id() == null ? null : spec.expression(s.id()),
                        s.related().stream().map(r -> new Fetch.Related(r.as(), r.entity(), spec.expression(r.id()),
                                r.when() == null ? null : spec.expression(r.when()), r.by())).toList(),
                        reader(connectors, s.system()));
                case FilterStep s -> new Filter(spec.expression(s.when()), s.reason());
                case ValidateStep s -> {
                    dev.tandem.core.flow.step.ProfileCheck check = s.profile() == null ? null
                            : new dev.tandem.core.flow.step.ProfileCheck(s.profile().fields(), s.profile().action(),
                            s.profile().minObservations());
                    if (check != null) {
                        profileChecks.add(check);
                    }
                    yield new Validate(s.rules().stream().map(this::rule).toList(), check);
                }
                case ChoiceStep s -> {
                    List<Choice.Branch> branches = new ArrayList<>();
                    for (ChoiceStep.When w : s.when()) {
                        List<Step> sub = build(w.steps(), connectors);
                        branches.add(new Choice.Branch(spec.expression(w.condition()), (b, c) -> run(sub, b, c)));
                    }
                    List<Step> otherwise = build(s.otherwise(), connectors);
                    yield new Choice(branches, (b, c) -> run(otherwise, b, c));
                }
                case TransformStep s -> new Transform(spec.mapping(s.mapping()));
                case EnrichStep s when s.http() != null -> HttpEnrich.of(s, spec);
                case EnrichStep s -> new Enrich(s.using(), enricher(connectors, s.using()));
                case SplitStep s -> throw new IllegalStateException("handled above");
                case AggregateStep s -> throw new IllegalArgumentException("flow " + spec.id()
                        + ": an aggregate step without a split before it (the loader refuses such a file)");
                case ToStep s -> to(s, connectors);
            });
        }
        return built;
    }

    /**
     * The {@code to} step; with a master-data policy it reads the target through the target's reader and keeps its
     * baselines and conflicts in the state store (the id map given to this pipeline, when it is one: the server's).
     */
    private To to(ToStep s, Map<String, ConnectorParts> connectors) {
        ConnectorParts target = part(connectors, s.system());
        dev.tandem.core.sync.Reconciler master = null;
        if (s.master() != null) {
            dev.tandem.core.spi.SyncStore sync = links instanceof dev.tandem.core.spi.SyncStore store ? store
                    : dev.tandem.core.spi.SyncStore.none();
            master = new dev.tandem.core.sync.Reconciler(spec.definition().from().system(), s.system(), s.master(),
                    reader(connectors, s.system()), sync, entity -> target.linkPrefix() + entity,
                    entity -> java.util.Optional.ofNullable(connectors.get(spec.definition().from().system()))
                            .map(ConnectorParts::linkPrefix).orElse("") + entity,
                    java.util.Optional.ofNullable(connectors.get(spec.definition().from().system()))
                            .flatMap(ConnectorParts::reader).orElse(null));
        }
        RecordWriter sourceWriter = s.writeBack() == null ? null
                : java.util.Optional.ofNullable(connectors.get(spec.definition().from().system()))
                .flatMap(ConnectorParts::writer).orElse(null);
        return new To(s.system(), writer(connectors, s.system()), target.echo(), target.linkPrefix(), master,
                s.writeBack(), sourceWriter);
    }

    private Aggregate aggregate(AggregateStep a) {
        return new Aggregate(spec.expression(a.strategyOrDefault()), a.intoOrDefault() == AggregateStep.Into.plan);
    }

    private Validate.Rule rule(ValidateStep.Rule r) {
        Map<String, JsonataMapping> parts = new LinkedHashMap<>();
        Matcher m = TEMPLATE.matcher(r.message());
        while (m.find()) {
            parts.put(m.group(1).trim(), spec.expression(m.group(1).trim()));
        }
        return new Validate.Rule(spec.expression(r.rule()), r.code(), r.message(),
                r.each() == null ? null : spec.expression(r.each()), r.severity() == ValidateStep.Severity.warning, parts);
    }

    private RecordReader reader(Map<String, ConnectorParts> connectors, String system) {
        return part(connectors, system).reader().orElseThrow(() ->
                new IllegalArgumentException("flow " + spec.id() + ": system " + system + " has no reader"));
    }

    private RecordWriter writer(Map<String, ConnectorParts> connectors, String system) {
        return part(connectors, system).writer().orElseThrow(() ->
                new IllegalArgumentException("flow " + spec.id() + ": system " + system + " has no writer"));
    }

    private Enricher enricher(Map<String, ConnectorParts> connectors, String name) {
        return connectors.values().stream().map(c -> c.enrichers().get(name)).filter(e -> e != null).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("flow " + spec.id() + ": no enricher named " + name));
    }

    private ConnectorParts part(Map<String, ConnectorParts> connectors, String system) {
        ConnectorParts p = connectors.get(system);
        if (p == null) {
            throw new IllegalArgumentException("flow " + spec.id() + ": no connector for system " + system);
        }
        return p;
    }

    private static FlowOutcome withOffset(FlowOutcome o, long offset) {
        return switch (o) {
            case FlowOutcome.Synced s -> new FlowOutcome.Synced(offset, s.detail());
            case FlowOutcome.Skipped s -> new FlowOutcome.Skipped(offset, s.reason());
            case FlowOutcome.Failed f -> f.withOffset(offset);
        };
    }
}
