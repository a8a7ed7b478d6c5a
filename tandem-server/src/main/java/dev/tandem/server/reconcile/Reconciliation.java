package dev.tandem.server.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.model.ChoiceStep;
import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.flow.model.MasterDefinition;
import dev.tandem.core.flow.model.StepDefinition;
import dev.tandem.core.flow.model.ToStep;
import dev.tandem.core.runtime.FlowPipeline;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.sync.Policy;
import dev.tandem.core.sync.Reconciler;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.enrich.PersonAccountEnricher;
import dev.tandem.salesforce.enrich.RecordTypeEnricher;
import dev.tandem.salesforce.read.SalesforceRecordReader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.flows.FlowRepository;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reconciliation (issue 11 item 5): compares Clarity and Salesforce by key, through the flow file that syncs the
 * object, so the comparison sees what the live sync would write and formatting the mapping does (a lower-cased
 * e-mail, an E.164 phone, an ISO state code, a rounded price) is not drift.
 *
 * <ol>
 *   <li>Clarity is read page by page in ascending ID order (as the backfill reads it); each page runs through the
 *       flow's real pipeline (fetch of related records, validation, JSONata mapping, enrichers) up to the write plan,
 *       with a writer that sends nothing and keeps the plan. The planned value of every compared field is kept by
 *       Salesforce object and external-id key (a reference to another record of the plan, or a placeholder an
 *       enricher fills in, is not a value and is not compared).</li>
 *   <li>Salesforce is read per object by SOQL ({@code WHERE <key field> != null}) through queryMore, as a stream: each
 *       record is compared with its planned counterpart field by field, or reported missing in Clarity when no
 *       Clarity record maps to its key. Planned records no Salesforce record matched are missing in Salesforce.</li>
 * </ol>
 *
 * <p>A field whose policy in the flow's master block lets Salesforce win ({@code salesforce-wins}) is Salesforce's to
 * change and is not compared. Salesforce being unreachable or refusing the credentials aborts the run with
 * {@link Aborted}: nothing is reported as drift, nothing is enqueued.
 *
 * <p>{@link #repair} appends one event per drifted or missing record to the event log, through the normal flow
 * (policy, audit trail, echo suppression), marked with the drifted fields ({@link Reconciler#REPAIR}) so the master
 * policy writes them although their baselines say they are in sync.
 *
 * <p>Memory: the planned values of the object's records are held until Salesforce has been read (a few hundred
 * bytes a record); Salesforce is streamed a page at a time.
 */
public final class Reconciliation implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW_ERROR = "FLOW_ERROR";
    private static final Pattern REFERENCE = Pattern.compile("@\\{[A-Za-z0-9_]+\\.id}");

    /**
     * @param pageSize  Clarity records per page (one pipeline run each)
     * @param maxDifferences differences kept record by record in the result (the counts are always complete)
     */
    public record Options(int pageSize, int maxDifferences) {
        public static final int DEFAULT_PAGE = 500;

        public Options {
            if (pageSize < 1 || pageSize > 1_000) {
                throw new IllegalArgumentException("page size must be between 1 and 1000, got " + pageSize);
            }
            if (maxDifferences < 0) {
                throw new IllegalArgumentException("maxDifferences must be zero or more");
            }
        }

        public static Options defaults() {
            return new Options(DEFAULT_PAGE, 100_000);
        }
    }

    /** The run stopped for a reason that is not drift (an outage, refused credentials, a missing flow file). */
    public static final class Aborted extends RuntimeException {
        private final boolean configuration;

        Aborted(String message, boolean configuration, Throwable cause) {
            super(message, cause);
            this.configuration = configuration;
        }

        /** Whether configuration must change (credentials, a flow file, the org's fields), not just time pass. */
        public boolean configuration() {
            return configuration;
        }
    }

    private final TandemConfig config;
    private final Options options;
    private final Clock clock;
    private final SalesforceRestClient salesforce;
    private final ClarityRestClient clarity;
    private final FlowRepository.Loaded flows;

    /**
     * Opens no store: comparing needs none (the flows run with no id map, nothing is written); {@link #repair} is
     * given the event log to append to.
     */
    public Reconciliation(TandemConfig config, Options options, Clock clock) {
        this.config = config;
        this.options = options;
        this.clock = clock;
        this.flows = new FlowRepository(FlowRepository.shippedCatalog(), config.flows().dir(),
                config.flows().enabled()).load();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1).build();
        TandemConfig.Salesforce sf = config.salesforce();
        SalesforceConfig sfConfig = new SalesforceConfig(sf.tokenUrl(), sf.clientId(), sf.clientSecret(),
                sf.apiVersion(), sf.callOptionsClient(), sf.requestTimeout()).withAuth(sf.auth());
        this.salesforce = new SalesforceRestClient(sfConfig, AccessTokenProviders.forConfig(sfConfig, http), http,
                new SimpleMeterRegistry());
        TandemConfig.Clarity cl = config.clarity();
        ClarityConfig clarityConfig = new ClarityConfig(cl.baseUrl(), cl.username(), cl.password(),
                cl.requestTimeout());
        this.clarity = new ClarityRestClient(clarityConfig, new ClaritySession(clarityConfig, http), http);
    }

    /** The flow file an object is compared through, or empty when none with its id is loaded. */
    public Optional<FlowSpec> flow(ReconcileObject object) {
        return Optional.ofNullable(flows.flows().get(object.source().flow()));
    }

    /**
     * Compares one object.
     *
     * @throws Aborted a flow file is missing, or a system is unreachable or refuses the credentials
     */
    public ReconcileResult run(ReconcileObject object) {
        FlowSpec spec = flow(object).orElseThrow(() -> new Aborted("no flow file with id " + object.source().flow()
                + " is loaded, so there is no mapping to compare " + object.id() + " through"
                + (flows.problems().isEmpty() ? "" : " (refused flow files: " + flows.problems() + ")")
                + "; add " + object.source().flow() + ".yaml to flows.dir", true, null));
        return new Run(object, spec).execute();
    }

    /**
     * Appends one event per record that drifted or is missing in Salesforce to the event log, each naming the
     * drifted fields (every field for a missing record), for the flow to write again through the normal path. Each
     * run's events are its own (the id names the record, the repair and the run's time): a record repaired twice is
     * written by the first event and found in sync by the second.
     */
    public ReconcileResult repair(ReconcileResult result, ReconcileObject object, EventLog log, IdMap links) {
        Map<String, Map<String, Set<String>>> byClarityId = new LinkedHashMap<>();
        Map<String, Long> notRepaired = new TreeMap<>();
        for (ReconcileResult.Difference d : result.differences()) {
            switch (d.kind()) {
                case MISSING_IN_CLARITY -> notRepaired.merge("missing in Clarity: Tandem never deletes in Salesforce",
                        1L, Long::sum);
                case MISSING_IN_SALESFORCE -> byClarityId.computeIfAbsent(d.clarityId(), k -> new TreeMap<>())
                        .computeIfAbsent(d.entity(), k -> new java.util.TreeSet<>()).add("*");
                case FIELD -> byClarityId.computeIfAbsent(d.clarityId(), k -> new TreeMap<>())
                        .computeIfAbsent(d.entity(), k -> new java.util.TreeSet<>()).add(d.field());
            }
        }
        if (object == ReconcileObject.ORDERS) {
            // The order flow's idempotent consumer writes an order once: an order it linked is skipped by any event,
            // but a repair of an order missing in Salesforce (deleted there), which it writes again.
            Set<String> linked = new LinkedHashSet<>();
            Set<String> missing = new LinkedHashSet<>();
            for (ReconcileResult.Difference d : result.differences()) {
                if (d.kind() == ReconcileResult.Kind.MISSING_IN_SALESFORCE && "Order".equals(d.entity())) {
                    missing.add(d.clarityId());
                }
            }
            // Whatever drifted (the Order or only one of its OrderItems), the repair event goes through the order
            // flow, whose idempotent consumer skips an order it linked: such a record is reported as not repaired,
            // never counted as enqueued. The root key is the order's key (the group's root record).
            for (ReconcileResult.Difference d : result.differences()) {
                String orderKey = "Order".equals(d.entity()) ? d.key() : d.rootKey();
                if (d.kind() != ReconcileResult.Kind.MISSING_IN_CLARITY && orderKey != null
                        && !missing.contains(d.clarityId()) && links.targetId("Order", orderKey).isPresent()) {
                    linked.add(d.clarityId());
                }
            }
            linked.forEach(id -> {
                byClarityId.remove(id);
                notRepaired.merge("an order Tandem synced before: the order flow writes an order once (its "
                        + "idempotent consumer)", 1L, Long::sum);
            });
        }
        long enqueued = 0;
        long duplicates = 0;
        String run = clock.instant().toString();
        List<InboundEvent> events = new ArrayList<>();
        for (Map.Entry<String, Map<String, Set<String>>> e : byClarityId.entrySet()) {
            ObjectNode payload = JSON.createObjectNode();
            if (object.source() == dev.tandem.server.backfill.BackfillObject.INVENTORY) {
                payload.put("ProductID", Long.parseLong(e.getKey()));
            }
            ObjectNode repair = payload.putObject(Reconciler.REPAIR);
            e.getValue().forEach((entity, fields) -> {
                ArrayNode a = repair.putArray(entity);
                fields.forEach(a::add);
            });
            String key = result.differences().stream().filter(d -> e.getKey().equals(d.clarityId()))
                    .map(ReconcileResult.Difference::key).findFirst().orElse("");
            events.add(new InboundEvent("clarity", "reconcile:" + object.id() + ":" + e.getKey() + ":"
                    + Integer.toHexString(payload.toString().hashCode()) + ":" + run,
                    object.repairEvent(), object.source().entity().entityName(), e.getKey(),
                    object == ReconcileObject.PRODUCTS || object == ReconcileObject.INVENTORY ? productKey(key) : "",
                    clock.instant(), payload.toString()));
        }
        for (int from = 0; from < events.size(); from += 500) {
            for (dev.tandem.core.event.AppendResult r : log.appendAll(events.subList(from, Math.min(events.size(), from + 500)))) {
                if (r.duplicate()) {
                    duplicates++;
                } else {
                    enqueued++;
                }
            }
        }
        boolean enabled = flow(object).map(s -> config.flows().enabled().getOrDefault(s.id(), s.enabled()))
                .orElse(false);
        return result.withRepair(new ReconcileResult.Repair(enqueued, duplicates, notRepaired, enabled));
    }

    /** A price entry's key is {@code <product key>|<price book>}; the product's own key before it. */
    private static String productKey(String key) {
        int bar = key.indexOf('|');
        int at = key.indexOf('@');
        int cut = bar >= 0 ? bar : at;
        return cut >= 0 ? key.substring(0, cut) : key;
    }

    /** Salesforce API calls made so far. */
    public long salesforceApiCalls() {
        return salesforce.apiCallCount();
    }

    @Override
    public void close() {
        clarity.close();
    }

    /** The flow as reconciliation runs it: no master block (every mapped field planned), no write-back. */
    static FlowSpec forReconcile(FlowSpec spec) {
        FlowDefinitionFile d = spec.definition();
        FlowDefinitionFile def = new FlowDefinitionFile(d.id(), d.name(), d.description(), true, d.from(),
                plain(d.steps()), d.errorHandler(), d.picklists(), d.lookups(), d.example());
        return new FlowSpec(def, spec.file(), spec.version(), true, spec.expressions(), spec.mappings(),
                spec.defaultRedelivery(), spec.redeliveryByCode(), spec.mappingSources(), spec.example(),
                spec.secrets());
    }

    private static List<StepDefinition> plain(List<StepDefinition> steps) {
        List<StepDefinition> out = new ArrayList<>(steps.size());
        for (StepDefinition s : steps) {
            out.add(switch (s) {
                case ToStep t -> new ToStep(t.system(), null, null);
                case ChoiceStep c -> new ChoiceStep(c.when().stream().map(w -> new ChoiceStep.When(w.condition(),
                        plain(w.steps()))).toList(), plain(c.otherwise()));
                default -> s;
            });
        }
        return out;
    }

    /** The master blocks of a flow's {@code to} steps (top level and inside choices). */
    private static List<MasterDefinition> masters(List<StepDefinition> steps) {
        List<MasterDefinition> out = new ArrayList<>();
        for (StepDefinition s : steps) {
            if (s instanceof ToStep t && t.master() != null) {
                out.add(t.master());
            } else if (s instanceof ChoiceStep c) {
                c.when().forEach(w -> out.addAll(masters(w.steps())));
                out.addAll(masters(c.otherwise()));
            }
        }
        return out;
    }

    /** Whether the flow's master block lets Salesforce win this field: then it is Salesforce's to change. */
    static boolean salesforceMasters(List<MasterDefinition> masters, String entity, String field) {
        for (MasterDefinition m : masters) {
            MasterDefinition.ObjectPolicy op = m.objects().get(entity);
            if (op == null) {
                continue;
            }
            MasterDefinition.FieldPolicy fp = op.fields().get(field);
            String policy = fp != null && fp.master() != null && !fp.master().isBlank() ? fp.master()
                    : op.defaultPolicy() != null && !op.defaultPolicy().isBlank() ? op.defaultPolicy()
                    : m.defaultOrNewest();
            Optional<Policy> p = Policy.parse(policy);
            if (p.isPresent() && p.get().kind() == Policy.Kind.WINS && "salesforce".equals(p.get().system())) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ comparison

    /** A planned record: which Clarity record it comes from and the values planned for its compared fields. */
    private record Planned(String clarityId, ObjectNode fields, String rootKey) {
    }

    /**
     * Whether a planned and a Salesforce value are the same: numbers by value ({@code 10} = {@code 10.00}), dates and
     * times by instant (Salesforce answers {@code 2026-01-31T08:00:00.000+0000} for {@code 2026-01-31T08:00:00Z}),
     * empty text the same as no value (Salesforce stores an empty string as null), everything else as text.
     */
    static boolean same(JsonNode planned, JsonNode actual) {
        boolean noPlanned = planned == null || planned.isNull() || planned.isMissingNode()
                || (planned.isTextual() && planned.textValue().isEmpty());
        boolean noActual = actual == null || actual.isNull() || actual.isMissingNode()
                || (actual.isTextual() && actual.textValue().isEmpty());
        if (noPlanned || noActual) {
            return noPlanned == noActual;
        }
        BigDecimal a = number(planned);
        BigDecimal b = number(actual);
        if (a != null && b != null) {
            return a.compareTo(b) == 0;
        }
        if (planned.isBoolean() || actual.isBoolean()) {
            return planned.asText().equalsIgnoreCase(actual.asText());
        }
        String p = planned.isValueNode() ? planned.asText() : planned.toString();
        String q = actual.isValueNode() ? actual.asText() : actual.toString();
        if (p.equals(q)) {
            return true;
        }
        Instant pi = instant(p);
        Instant qi = instant(q);
        return pi != null && pi.equals(qi);
    }

    private static BigDecimal number(JsonNode n) {
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return null;
    }

    private static Instant instant(String t) {
        if (t.length() < 10 || !Character.isDigit(t.charAt(0))) {
            return null;
        }
        try {
            if (t.length() == 10) {
                return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(t.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2")).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                return null;
            }
        }
    }

    /** What an enricher would fill in (a price book entry's id): a marker no Clarity value carries, not compared. */
    private static final String ENRICHED = "\u0000tandem-reconcile:enriched";

    private static RecordWrite withoutPlaceholders(RecordWrite r) {
        ObjectNode fields = r.fields().deepCopy();
        r.fields().properties().forEach(f -> {
            if (f.getValue().isObject() && f.getValue().has("enrich")) {
                fields.put(f.getKey(), ENRICHED);
            }
        });
        return r.withFields(fields);
    }

    /** A planned value that is not one: a reference to another record of the plan, or an enricher's placeholder. */
    private static boolean comparable(String field, JsonNode v) {
        if (field.equals("Id") || v == null || v.isObject() || v.isArray()) {
            return false;
        }
        return !(v.isTextual() && (REFERENCE.matcher(v.textValue()).matches() || ENRICHED.equals(v.textValue())));
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    // ------------------------------------------------------------------------------------------ one object

    private final class Run {
        private final ReconcileObject object;
        private final FlowSpec original;
        private final FlowSpec spec;
        private final dev.tandem.server.flows.PageReader reader;
        private final PlanCapture writer = new PlanCapture();
        private final FlowPipeline pipeline;
        private final List<MasterDefinition> masters;
        private final long callsAtStart = salesforce.apiCallCount();
        private final long startNanos = System.nanoTime();
        /** Planned records by Salesforce object, then by external-id key. */
        private final Map<String, Map<String, Planned>> planned = new LinkedHashMap<>();
        /** The key field of each compared object, as the plans name it. */
        private final Map<String, String> keyFields = new LinkedHashMap<>();
        /** Every field planned for each compared object. */
        private final Map<String, Set<String>> plannedFields = new LinkedHashMap<>();
        private final Map<String, Long> notMapped = new TreeMap<>();
        private final Map<String, Long> salesforceRecords = new LinkedHashMap<>();
        private final Map<String, Long> compared = new LinkedHashMap<>();
        private final Map<String, Long> missingInSalesforce = new LinkedHashMap<>();
        private final Map<String, Long> missingInClarity = new LinkedHashMap<>();
        private final Map<String, Long> drifted = new LinkedHashMap<>();
        private final Map<String, Long> fieldDifferences = new LinkedHashMap<>();
        private final List<ReconcileResult.Difference> differences = new ArrayList<>();
        private long clarityRecords;
        private long clarityPages;

        Run(ReconcileObject object, FlowSpec spec) {
            this.object = object;
            this.original = spec;
            this.spec = forReconcile(spec);
            this.masters = masters(spec.definition().steps());
            this.reader = new dev.tandem.server.flows.PageReader(object.source().entity().entityName(), clarity);
            // Enrichers that resolve ids the comparison does not look at (price book entries) or look for unkeyed
            // records to link (duplicate match) pass the plan on; record types and person accounts shape the plan
            // (which Account fields, whether a Contact is written at all), so they run as in the live flow.
            Enricher passThrough = groups -> groups.stream().<Enricher.Result>map(g -> new Enricher.Result.Enriched(
                    g.withRecords(g.records().stream().map(Reconciliation::withoutPlaceholders).toList()))).toList();
            Map<String, ConnectorParts> connectors = Map.of(
                    "clarity", new ConnectorParts("clarity", Optional.of(reader), Optional.empty(), Map.of(),
                            Optional::empty, "clarity:"),
                    "salesforce", new ConnectorParts("salesforce", Optional.of(new SalesforceRecordReader(salesforce)),
                            Optional.of(writer), Map.of(
                            "salesforce.pricebookEntries", passThrough,
                            RecordTypeEnricher.NAME, new RecordTypeEnricher(salesforce),
                            PersonAccountEnricher.NAME, new PersonAccountEnricher(salesforce, salesforce::describe),
                            "salesforce.match", passThrough),
                            Optional::empty));
            this.pipeline = new FlowPipeline(this.spec, connectors, IdMap.none(), clock)
                    .redacting(config.retention().redactor());
            object.entities().keySet().forEach(e -> {
                planned.put(e, new HashMap<>());
                plannedFields.put(e, new LinkedHashSet<>());
                for (Map<String, Long> m : List.of(salesforceRecords, compared, missingInSalesforce, missingInClarity,
                        drifted, fieldDifferences)) {
                    m.put(e, 0L);
                }
            });
        }

        ReconcileResult execute() {
            readClarity();
            for (String entity : object.entities().keySet()) {
                if (keyFields.containsKey(entity)) {
                    readSalesforce(entity);
                }
            }
            // What no Salesforce record matched.
            planned.forEach((entity, byKey) -> byKey.forEach((key, p) -> {
                missingInSalesforce.merge(entity, 1L, Long::sum);
                difference(new ReconcileResult.Difference(ReconcileResult.Kind.MISSING_IN_SALESFORCE, entity, key,
                        p.clarityId(), null, null, null, null, p.rootKey()));
            }));
            differences.sort(java.util.Comparator.comparing(ReconcileResult.Difference::kind)
                    .thenComparing(ReconcileResult.Difference::entity).thenComparing(ReconcileResult.Difference::key));
            return new ReconcileResult(object.id(), original.id(), clarityRecords, notMapped, salesforceRecords,
                    compared, missingInSalesforce, missingInClarity, drifted, fieldDifferences, List.copyOf(differences),
                    null, salesforce.apiCallCount() - callsAtStart, clarityPages,
                    (System.nanoTime() - startNanos) / 1e9);
        }

        private void difference(ReconcileResult.Difference d) {
            if (differences.size() < options.maxDifferences()) {
                differences.add(d);
            }
        }

        private void readClarity() {
            ListQuery query = ListQuery.all().sortedBy("ID", true);
            int page = 1;
            boolean more = true;
            while (more) {
                int current = page;
                ClarityPage p = call("Clarity", "reading " + object.source().entity().listPath() + " page " + page,
                        () -> clarity.page(object.source().entity(), query.paged(options.pageSize(), current)));
                clarityPages++;
                if (!p.results().isEmpty()) {
                    map(p.results());
                }
                more = p.results().size() == options.pageSize() && page < p.totalPages();
                page++;
            }
        }

        /** Runs one page through the flow up to its write plans and keeps the planned values. */
        private void map(List<ObjectNode> rows) {
            Map<String, ObjectNode> byId = new LinkedHashMap<>();
            List<LoggedEvent> events = new ArrayList<>(rows.size());
            Map<Long, String> idByOffset = new HashMap<>();
            Instant now = clock.instant();
            long offset = 0;
            for (ObjectNode row : rows) {
                String id = row.path("ID").asText("");
                byId.put(id, row);
                String payload = object.source() == dev.tandem.server.backfill.BackfillObject.INVENTORY
                        ? "{\"ProductID\":" + row.path("ID").asLong() + "}" : "{}";
                InboundEvent event = new InboundEvent("clarity", "reconcile:" + object.id() + ":" + id,
                        object.source().eventType(), object.source().entity().entityName(), id,
                        row.path("CustomKey").asText(""), now, payload);
                events.add(new LoggedEvent(++offset, event, now));
                idByOffset.put(offset, id);
            }
            reader.use(byId);
            writer.clear();
            List<FlowOutcome> outcomes;
            try {
                // each JSONata evaluation bounded as in a flow run: a looping mapping fails its record
                outcomes = dev.tandem.core.mapping.JsonataMapping.eachEvaluationWithin(
                        config.runtime().mappingTimeout(), () -> pipeline.process(events, NO_STATE));
            } finally {
                reader.use(Map.of());
            }
            clarityRecords += rows.size();
            for (FlowOutcome o : outcomes) {
                if (o instanceof FlowOutcome.Failed f) {
                    ErrorClass c = ErrorClass.of(f.errorCode(), f.details().httpStatus());
                    if (c == ErrorClass.AUTH || c == ErrorClass.CONNECTION || c == ErrorClass.RATE_LIMIT) {
                        throw aborted(f.errorCode().startsWith("CLARITY") ? "Clarity" : "Salesforce",
                                "mapping " + object.id(), new IntegrationException("", f.errorCode(), f.message(),
                                        f.details().httpStatus(), true, List.of(), null, null));
                    }
                    if (FLOW_ERROR.equals(f.errorCode())) {
                        // Not the record's fault: the flow itself failed (a fault in the flow file or in Tandem).
                        throw new Aborted("the flow " + original.id() + " failed on Clarity record " + idByOffset.get(
                                f.offset()) + ": " + f.message() + "; nothing was compared", true, null);
                    }
                    notMapped.merge(f.errorCode(), 1L, Long::sum);
                } else if (o instanceof FlowOutcome.Skipped s) {
                    notMapped.merge("SKIPPED", 1L, Long::sum);
                }
            }
            for (WriteGroup g : writer.groups()) {
                String clarityId = idByOffset.get(offsetOf(g.id()));
                for (RecordWrite r : g.records()) {
                    Set<String> only = object.entities().get(r.entity());
                    if (only == null) {
                        continue;
                    }
                    keyFields.putIfAbsent(r.entity(), r.keyField());
                    ObjectNode fields = JSON.createObjectNode();
                    r.fields().properties().forEach(f -> {
                        if ((only.isEmpty() || only.contains(f.getKey())) && comparable(f.getKey(), f.getValue())
                                && !salesforceMasters(masters, r.entity(), f.getKey())) {
                            fields.set(f.getKey(), f.getValue());
                            plannedFields.get(r.entity()).add(f.getKey());
                        }
                    });
                    planned.get(r.entity()).put(r.key(), new Planned(clarityId, fields, g.rootRecord().key()));
                }
            }
        }

        private long offsetOf(String groupId) {
            int colon = groupId.lastIndexOf(':');
            try {
                return Long.parseLong(groupId.substring(colon + 1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        /** Streams the object's Salesforce records that carry a Clarity key and compares each with its plan. */
        private void readSalesforce(String entity) {
            String keyField = keyFields.get(entity);
            Set<String> known = call("Salesforce", "describing " + entity, () -> {
                Set<String> names = new java.util.HashSet<>();
                salesforce.describe(entity).path("fields").forEach(f -> names.add(f.path("name").asText()));
                return names;
            });
            if (!known.contains(keyField)) {
                throw new Aborted("Salesforce's " + entity + " has no field " + keyField + " (the flow "
                        + original.id() + " upserts by it): create it in the org, or check the flow file", true,
                        null);
            }
            List<String> fields = plannedFields.get(entity).stream().filter(known::contains).toList();
            Map<String, Planned> byKey = planned.get(entity);
            StringBuilder soql = new StringBuilder("SELECT Id, ").append(keyField);
            fields.stream().filter(f -> !f.equals(keyField)).forEach(f -> soql.append(", ").append(f));
            soql.append(" FROM ").append(entity).append(" WHERE ").append(keyField).append(" != null");
            call("Salesforce", "querying " + entity, () -> {
                try (Stream<ObjectNode> records = salesforce.stream(soql.toString())) {
                    records.forEach(sf -> compare(entity, keyField, fields, byKey, sf));
                }
                return null;
            });
        }

        private void compare(String entity, String keyField, List<String> fields, Map<String, Planned> byKey,
                             ObjectNode sf) {
            salesforceRecords.merge(entity, 1L, Long::sum);
            String key = sf.path(keyField).asText();
            String id = sf.path("Id").asText();
            Planned p = byKey.remove(key);
            if (p == null) {
                missingInClarity.merge(entity, 1L, Long::sum);
                difference(new ReconcileResult.Difference(ReconcileResult.Kind.MISSING_IN_CLARITY, entity, key, null,
                        id, null, null, null, null));
                return;
            }
            compared.merge(entity, 1L, Long::sum);
            int differing = 0;
            for (String field : fields) {
                JsonNode want = p.fields().get(field);
                if (want == null) {
                    continue; // not planned for this record (the mapping left it out): not written, not compared
                }
                JsonNode have = sf.get(field);
                if (!same(want, have)) {
                    differing++;
                    difference(new ReconcileResult.Difference(ReconcileResult.Kind.FIELD, entity, key, p.clarityId(),
                            id, field, text(want), text(have), p.rootKey()));
                }
            }
            if (differing > 0) {
                drifted.merge(entity, 1L, Long::sum);
                fieldDifferences.merge(entity, (long) differing, Long::sum);
            }
        }

        private <T> T call(String system, String doing, Supplier<T> call) {
            try {
                return call.get();
            } catch (IntegrationException e) {
                throw aborted(system, doing, e);
            } catch (java.io.UncheckedIOException e) {
                throw aborted(system, doing, new IntegrationException("", "CONNECTION", e.getMessage(), 0, true,
                        List.of(), null, e));
            }
        }

        private Aborted aborted(String system, String doing, RuntimeException e) {
            String code = e instanceof IntegrationException ie ? ie.errorCode() : e.getClass().getSimpleName();
            int status = e instanceof IntegrationException ie ? ie.httpStatus() : 0;
            ErrorClass c = ErrorClass.of(code, status);
            String why = switch (c) {
                case AUTH -> system + " refused the credentials or the permission";
                case CONNECTION -> system + " could not be reached or did not answer";
                case RATE_LIMIT -> system + "'s API limit is used up";
                default -> system + " failed";
            };
            return new Aborted(why + " while " + doing + ": " + code + ": " + e.getMessage()
                    + ". Nothing was compared or enqueued; fix the cause and run it again.", c == ErrorClass.AUTH, e);
        }
    }

    private static final FlowState NO_STATE = new FlowState() {
        @Override
        public void audit(AuditEntry entry) {
        }

        @Override
        public void link(String entity, String sourceKey, String targetId) {
        }
    };

    /** The {@code to} step's writer here: keeps each plan, sends nothing. */
    private static final class PlanCapture implements RecordWriter {
        private final List<WriteGroup> groups = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<WriteOutcome> write(WriteGroup group) {
            groups.add(group);
            Map<String, String> ids = new HashMap<>();
            group.records().forEach(r -> ids.put(r.ref(), "(reconcile)"));
            return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "reconcile: nothing sent"));
        }

        @Override
        public void flush() {
        }

        synchronized List<WriteGroup> groups() {
            return List.copyOf(groups);
        }

        synchronized void clear() {
            groups.clear();
        }
    }
}
