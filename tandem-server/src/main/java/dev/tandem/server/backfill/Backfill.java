package dev.tandem.server.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.model.ChoiceStep;
import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.flow.model.StepDefinition;
import dev.tandem.core.flow.model.ToStep;
import dev.tandem.core.runtime.FlowPipeline;
import dev.tandem.core.spi.BackfillCheckpoints;
import dev.tandem.core.spi.BackfillCheckpoints.Checkpoint;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.bulk.BulkSettings;
import dev.tandem.salesforce.bulk.SalesforceBulkClient;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.duplicates.DuplicateMatchEnricher;
import dev.tandem.salesforce.enrich.PersonAccountEnricher;
import dev.tandem.salesforce.enrich.PricebookEntryEnricher;
import dev.tandem.salesforce.enrich.PricebookEntryResolver;
import dev.tandem.salesforce.enrich.RecordTypeEnricher;
import dev.tandem.salesforce.read.SalesforceRecordReader;
import dev.tandem.salesforce.write.BatchingSalesforceWriter;
import dev.tandem.salesforce.write.BatchingSettings;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.flows.FlowRepository;
import dev.tandem.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The initial load (issue 11 item 4): reads a Clarity list page by page in ascending ID order, runs each chunk of
 * records through the object's own flow file (its fetch of related records, validation, JSONata mapping and
 * enrichers: the same mapping as the live sync) and writes the chunk's plans to Salesforce as Bulk API 2.0 upsert
 * jobs ({@link BulkPlanWriter}). After each chunk, in ONE store transaction: the id map gets the ids of the
 * successful rows, each failed record becomes a dead letter with Bulk's {@code sf__Error}, and the object's
 * checkpoint moves past the chunk. A run cut off (a crash, kill -9, Ctrl-C) resumes from the checkpoint; the chunks
 * under way are read and upserted again, which the external ids make harmless: every record once in Salesforce.
 *
 * <p>Two chunks are in flight at once (two lanes, each with its own pipeline and Bulk writer): the next chunk is read,
 * validated, mapped and checked for duplicates while the previous one's Bulk jobs run, and the pages ahead are read
 * by a thread of their own. The flow's store writes of a chunk (links, baselines, echo fingerprints) are kept until
 * it commits ({@link ChunkWrites}); chunks commit in the order they were read, so the checkpoint only moves forward.
 *
 * <p>A failure that is not the records' fault (refused credentials, an unreachable system, a used-up API limit, a
 * Bulk job that fails as a whole) stops the run before the chunk settles: nothing is dead-lettered for it and the
 * checkpoint stays, so the same command resumes once the cause is fixed.
 *
 * <p>What differs from the live flow: the {@code to} step's {@code writeBack} (the new Salesforce id written back to
 * the Clarity record, one CEF call per record) is left out, and no per-step audit entries are kept (a dead letter
 * keeps its failure, the mapped request and the related records).
 */
public final class Backfill implements AutoCloseable {

    /**
     * @param since        only records created or changed at or after it (CEF {@code ModifiedSince}), or null
     * @param dryRun       read, validate and map, count what would be written; write nothing (no Bulk job, no id
     *                     map, no dead letter, no checkpoint)
     * @param chunkSize    records per chunk: one pipeline run and one Bulk job per object (≤ 10,000)
     * @param pageSize     records per Clarity page
     * @param bulkSettings how Bulk jobs are polled
     * @param skipDuplicateMatch leave out the flow's {@code salesforce.match} enricher (one SOQL query per object and
     *                     100 records looking for unkeyed Salesforce records to link): only for an org known to
     *                     hold none of the store's records, where the look-ups cannot find anything
     */
    public record Options(Instant since, boolean dryRun, int chunkSize, int pageSize, BulkSettings bulkSettings,
                          boolean skipDuplicateMatch) {

        public static final int DEFAULT_CHUNK = 5_000;
        public static final int DEFAULT_PAGE = 500;

        public Options {
            if (chunkSize < 1 || chunkSize > SalesforceBulkClient.MAX_RECORDS_PER_JOB) {
                throw new IllegalArgumentException("chunk size must be between 1 and "
                        + SalesforceBulkClient.MAX_RECORDS_PER_JOB + ", got " + chunkSize);
            }
            if (pageSize < 1 || pageSize > 1_000) {
                throw new IllegalArgumentException("page size must be between 1 and 1000, got " + pageSize);
            }
            Objects.requireNonNull(bulkSettings, "bulkSettings");
        }

        public static Options defaults() {
            // Polls every second at most once the job runs: a chunk's job takes seconds, and a longer wait between
            // polls is time the backfill stands still (each poll is one API call: a few per job).
            return new Options(null, false, DEFAULT_CHUNK, DEFAULT_PAGE, new BulkSettings(Duration.ofMillis(100),
                    Duration.ofSeconds(1), 1.5, BulkSettings.DEFAULT_TIMEOUT), false);
        }

        public Options withSince(Instant at) {
            return new Options(at, dryRun, chunkSize, pageSize, bulkSettings, skipDuplicateMatch);
        }

        public Options withDryRun(boolean on) {
            return new Options(since, on, chunkSize, pageSize, bulkSettings, skipDuplicateMatch);
        }

        public Options withChunkSize(int size) {
            return new Options(since, dryRun, size, pageSize, bulkSettings, skipDuplicateMatch);
        }

        public Options withSkipDuplicateMatch(boolean on) {
            return new Options(since, dryRun, chunkSize, pageSize, bulkSettings, on);
        }
    }

    /** The run stopped for a reason that is not the records' fault; the checkpoint stays where it was. */
    public static final class Aborted extends RuntimeException {
        private final boolean configuration;

        Aborted(String message, boolean configuration, Throwable cause) {
            super(message, cause);
            this.configuration = configuration;
        }

        /** Whether configuration must change (credentials, permissions, the org's fields), not just time pass. */
        public boolean configuration() {
            return configuration;
        }
    }

    private final TandemConfig config;
    private final Options options;
    private final BackfillProgress progress;
    private final Clock clock;
    private final JdbcStores stores;
    private final HttpClient http;
    private final SalesforceRestClient salesforce;
    private final ClarityRestClient clarity;
    private final BatchingSalesforceWriter batching;
    private final SalesforceBulkClient bulk;
    private final FlowRepository.Loaded flows;
    private final Optional<EchoPolicy> echo;

    public Backfill(TandemConfig config, Options options, BackfillProgress progress, Clock clock) {
        this.config = config;
        this.options = options;
        this.progress = progress;
        this.clock = clock;
        this.flows = new FlowRepository(FlowRepository.shippedCatalog(), config.flows().dir(),
                config.flows().enabled()).load();
        this.stores = JdbcStores.openSqlite(config.store().path());
        try {
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1).build();
            TandemConfig.Salesforce sf = config.salesforce();
            SalesforceConfig sfConfig = new SalesforceConfig(sf.tokenUrl(), sf.clientId(), sf.clientSecret(),
                    sf.apiVersion(), sf.callOptionsClient(), sf.requestTimeout()).withAuth(sf.auth());
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            this.salesforce = new SalesforceRestClient(sfConfig, AccessTokenProviders.forConfig(sfConfig, http), http,
                    meters);
            TandemConfig.Clarity cl = config.clarity();
            ClarityConfig clarityConfig = new ClarityConfig(cl.baseUrl(), cl.username(), cl.password(),
                    cl.requestTimeout());
            this.clarity = new ClarityRestClient(clarityConfig, new ClaritySession(clarityConfig, http), http);
            this.batching = new BatchingSalesforceWriter(salesforce, salesforce,
                    new BatchingSettings(sf.writerWindow(), sf.writerMaxRecords(), false), meters);
            this.bulk = new SalesforceBulkClient(salesforce, options.bulkSettings());
            // With Change Data Capture on, every Bulk upsert comes back to tandem server as a change event (Bulk
            // writes are captured like any other, with changeOrigin com/salesforce/api/bulkapi;client=tandem): the
            // flow's to step fingerprints what the backfill writes, as the live flow does, so the server drops those
            // events as echoes instead of reading each record back and syncing it to Clarity.
            this.echo = options.dryRun() || !config.cdc().enabled() ? Optional.empty()
                    : Optional.of(new EchoPolicy(stores.writeFingerprints(), java.util.Set.of(sf.callOptionsClient()),
                    java.util.Set.of(), EchoPolicy.DEFAULT_TTL, clock));
        } catch (RuntimeException e) {
            stores.close();
            throw e;
        }
    }

    /** The flow file an object's backfill maps through, or empty when no flow file has its id. */
    public Optional<FlowSpec> flow(BackfillObject object) {
        return Optional.ofNullable(flows.flows().get(object.flow()));
    }

    /** Salesforce API calls made so far by this backfill (REST and Bulk). */
    public long apiCalls() {
        return salesforce.apiCallCount();
    }

    /**
     * Backfills one object to its end (or resumes its checkpoint).
     *
     * @throws IllegalStateException its flow file is missing
     * @throws Aborted               a configuration fault or an outage stopped it
     */
    public BackfillSummary run(BackfillObject object) {
        FlowSpec spec = flow(object).orElseThrow(() -> new IllegalStateException("no flow file with id "
                + object.flow() + " is loaded, so there is no mapping for " + object.id()
                + (flows.problems().isEmpty() ? "" : " (refused flow files: " + flows.problems() + ")")
                + "; add " + object.flow() + ".yaml to flows.dir"));
        return new Run(object, spec).execute();
    }

    @Override
    public void close() {
        try {
            batching.close();
        } finally {
            try {
                clarity.close();
            } finally {
                stores.close();
            }
        }
    }

    /** The flow file as the backfill runs it: every {@code to} step without its write-back. */
    static FlowSpec forBackfill(FlowSpec spec) {
        FlowDefinitionFile d = spec.definition();
        FlowDefinitionFile def = new FlowDefinitionFile(d.id(), d.name(), d.description(), true, d.from(),
                withoutWriteBack(d.steps()), d.errorHandler(), d.picklists(), d.lookups(), d.example());
        return new FlowSpec(def, spec.file(), spec.version(), true, spec.expressions(), spec.mappings(),
                spec.defaultRedelivery(), spec.redeliveryByCode(), spec.mappingSources(), spec.example(),
                spec.secrets());
    }

    private static List<StepDefinition> withoutWriteBack(List<StepDefinition> steps) {
        List<StepDefinition> out = new ArrayList<>(steps.size());
        for (StepDefinition s : steps) {
            out.add(switch (s) {
                case ToStep t -> new ToStep(t.system(), t.master(), null);
                case ChoiceStep c -> new ChoiceStep(c.when().stream().map(w -> new ChoiceStep.When(w.condition(),
                        withoutWriteBack(w.steps()))).toList(), withoutWriteBack(c.otherwise()));
                default -> s;
            });
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ one object

    private final class Run {
        /** Chunks in flight at once: the next one goes through the flow while the last one's Bulk jobs run. */
        private static final int LANES = 2;

        private final BackfillObject object;
        private final FlowSpec spec;
        private final List<Lane> lanes = new ArrayList<>();
        private final StateStore store = stores.stateStore();
        private final BackfillCheckpoints checkpoints = stores.backfillCheckpoints();
        private final long callsAtStart = salesforce.apiCallCount();
        private final long startNanos = System.nanoTime();
        private long clarityNanos;
        private final java.util.concurrent.atomic.AtomicLong matchNanos = new java.util.concurrent.atomic.AtomicLong();
        private long read;
        private long written;
        private long failed;
        private long skipped;
        private String lastId = "";
        private Instant startedAt;

        /**
         * One for both lanes: its cache and its one-at-a-time resolving keep two chunks' order lines from creating
         * the same product's standard entry twice (the second would be refused with DUPLICATE_VALUE).
         */
        /** The lanes' Bulk jobs run one chunk at a time (see {@link BulkPlanWriter}); the mapping overlaps them. */
        private final java.util.concurrent.locks.Lock bulkTurn = new java.util.concurrent.locks.ReentrantLock(true);
        private final Enricher pricebookEntries = options.dryRun() ? Backfill::describePricebookEntries
                : new PricebookEntryEnricher(new PricebookEntryResolver(salesforce, batching));

        Run(BackfillObject object, FlowSpec spec) {
            this.object = object;
            this.spec = forBackfill(spec);
            for (int i = 0; i < LANES; i++) {
                lanes.add(new Lane());
            }
        }

        /**
         * One chunk's way through the flow: its own page of records for the fetch step, its own Bulk writer and
         * pipeline, and its store writes kept until the chunk commits ({@link ChunkWrites}). Two lanes take turns,
         * so one chunk is mapped while the other waits for Salesforce.
         */
        private final class Lane {
            final dev.tandem.server.flows.PageReader reader;
            final BulkPlanWriter writer;
            final ChunkWrites writes;
            final FlowPipeline pipeline;

            Lane() {
                this.reader = new dev.tandem.server.flows.PageReader(object.entity().entityName(), clarity);
                this.writer = new BulkPlanWriter(bulk, options.dryRun(), SalesforceBulkClient.MAX_RECORDS_PER_JOB,
                        bulkTurn);
                // A dry run reads the id map as it is and no baselines (it decides nothing the policy would keep);
                // its writes are never applied.
                this.writes = new ChunkWrites(store, options.dryRun() ? dev.tandem.core.spi.SyncStore.none() : store,
                        stores.writeFingerprints());
                IdMap links = writes;
                Optional<EchoPolicy> laneEcho = echo.map(e -> new EchoPolicy(writes,
                        java.util.Set.of(config.salesforce().callOptionsClient()), java.util.Set.of(),
                        EchoPolicy.DEFAULT_TTL, clock));
                Map<String, ConnectorParts> connectors = Map.of(
                        "clarity", new ConnectorParts("clarity", Optional.of(reader), Optional.empty(), Map.of(),
                                Optional::empty, "clarity:"),
                        "salesforce", new ConnectorParts("salesforce", Optional.of(new SalesforceRecordReader(salesforce)),
                                Optional.of(writer), Map.of(
                                PricebookEntryEnricher.NAME, pricebookEntries,
                                RecordTypeEnricher.NAME, new RecordTypeEnricher(salesforce),
                                PersonAccountEnricher.NAME, new PersonAccountEnricher(salesforce, salesforce::describe),
                                DuplicateMatchEnricher.NAME, options.skipDuplicateMatch()
                                        ? groups -> groups.stream().<Enricher.Result>map(Enricher.Result.Enriched::new)
                                        .toList()
                                        : timed(new DuplicateMatchEnricher(salesforce, links, config.salesforce().match(),
                                                salesforce::describe), matchNanos)),
                                () -> laneEcho));
                this.pipeline = new FlowPipeline(spec, connectors, links, clock)
                        .redacting(config.retention().redactor());
            }

            /** Runs one chunk through the flow; nothing is committed here. */
            Processed process(List<ObjectNode> rows) {
                Map<String, ObjectNode> byId = new LinkedHashMap<>();
                List<LoggedEvent> events = new ArrayList<>(rows.size());
                Instant now = clock.instant();
                long offset = 0;
                for (ObjectNode row : rows) {
                    String id = row.path("ID").asText("");
                    byId.put(id, row);
                    // A stock event names its product, as Clarity's Inventory Changed webhook does.
                    String payload = object == BackfillObject.INVENTORY ? "{\"ProductID\":" + id + "}" : "{}";
                    InboundEvent event = new InboundEvent("clarity", "backfill:" + object.id() + ":" + id,
                            object.eventType(), object.entity().entityName(), id, row.path("CustomKey").asText(""),
                            now, payload);
                    events.add(new LoggedEvent(++offset, event, now));
                }
                reader.use(byId);
                writer.clearFatal();
                writes.discard();
                try {
                    Links state = new Links();
                    // each JSONata evaluation bounded as in a flow run: a looping mapping fails its record
                    List<FlowOutcome> outcomes = dev.tandem.core.mapping.JsonataMapping.eachEvaluationWithin(
                            config.runtime().mappingTimeout(), () -> pipeline.process(events, state));
                    return new Processed(this, events, byId.size(), outcomes, state, writer.fatal(), now);
                } finally {
                    reader.use(Map.of());
                }
            }
        }

        /** A chunk that went through the flow, waiting to be committed. */
        private record Processed(Lane lane, List<LoggedEvent> events, int size, List<FlowOutcome> outcomes,
                                 Links state, RuntimeException fatal, Instant now) {
        }

        BackfillSummary execute() {
            String since = options.since() == null ? "" : options.since().toString();
            Optional<Checkpoint> saved = options.dryRun() ? Optional.empty() : checkpoints.checkpoint(object.id());
            long resumedFrom = 0;
            long after = Long.MIN_VALUE;
            startedAt = clock.instant();
            if (saved.isPresent() && !saved.get().complete() && saved.get().since().equals(since)) {
                Checkpoint c = saved.get();
                read = c.read();
                written = c.written();
                failed = c.failed();
                skipped = c.skipped();
                lastId = c.lastId();
                startedAt = c.startedAt();
                resumedFrom = read;
                after = lastId.isEmpty() ? Long.MIN_VALUE : Long.parseLong(lastId);
            }
            progress.start(object.id(), read);
            ListQuery query = ListQuery.all().sortedBy("ID", true);
            if (options.since() != null) {
                query = query.modifiedSince(options.since());
            }
            // Resume one page early: a record deleted before the checkpoint moves the later ones a place up, and
            // the ids already done are skipped anyway.
            int page = resumedFrom == 0 ? 1 : (int) Math.max(1, resumedFrom / options.pageSize());
            long total = -1;
            List<ObjectNode> chunk = new ArrayList<>(options.chunkSize());
            // The pages ahead (up to a chunk's worth) are read by a thread of their own while a chunk goes through
            // the flow: Clarity answers while Tandem maps and Salesforce runs the Bulk jobs.
            java.util.concurrent.ExecutorService chunks = java.util.concurrent.Executors.newFixedThreadPool(LANES,
                    Thread.ofPlatform().name("backfill-" + object.id() + "-", 1).daemon().factory());
            java.util.concurrent.CompletableFuture<Processed> inFlight = null;
            int chunkNumber = 0;
            try (PagePrefetch pages = new PagePrefetch(query, page,
                    Math.max(2, options.chunkSize() / options.pageSize() + 1))) {
                while (true) {
                    long pageStarted = System.nanoTime();
                    PagePrefetch.Item item = pages.next();
                    clarityNanos += System.nanoTime() - pageStarted;
                    if (item instanceof PagePrefetch.Item.Failed f) {
                        if (f.failure() instanceof IntegrationException ie) {
                            throw aborted("Clarity", "reading " + object.entity().listPath() + " page " + f.number(),
                                    ie);
                        }
                        throw f.failure();
                    }
                    if (!(item instanceof PagePrefetch.Item.Read next)) {
                        break; // the last page was read
                    }
                    ClarityPage p = next.page();
                    if (total < 0) {
                        // Counted from the page the run starts at: what the list holds in all.
                        total = p.totalCount();
                    }
                    for (ObjectNode row : p.results()) {
                        long id = row.path("ID").asLong(Long.MIN_VALUE);
                        if (id != Long.MIN_VALUE && id <= after) {
                            continue;
                        }
                        chunk.add(row);
                        if (chunk.size() >= options.chunkSize()) {
                            // This chunk goes through the flow while the one before it finishes and commits.
                            Lane lane = lanes.get(chunkNumber++ % LANES);
                            List<ObjectNode> rows = List.copyOf(chunk);
                            after = Math.max(after, lastIdOf(rows));
                            java.util.concurrent.CompletableFuture<Processed> started =
                                    java.util.concurrent.CompletableFuture.supplyAsync(() -> lane.process(rows), chunks);
                            chunk.clear();
                            if (inFlight != null) {
                                java.util.concurrent.CompletableFuture<Processed> done = inFlight;
                                inFlight = started;
                                commit(await(done));
                                progress.update(read, total, written, failed, false);
                            } else {
                                inFlight = started;
                            }
                        }
                    }
                }
                if (inFlight != null) {
                    java.util.concurrent.CompletableFuture<Processed> done = inFlight;
                    inFlight = null;
                    commit(await(done));
                }
                if (!chunk.isEmpty()) {
                    commit(lanes.get(chunkNumber++ % LANES).process(chunk));
                }
            } finally {
                if (inFlight != null) {
                    // The run stopped with a chunk under way: let it end (it commits nothing), then give up.
                    try {
                        inFlight.join();
                    } catch (RuntimeException ignored) {
                        // its failure, if any, is not the one the run reports
                    }
                }
                chunks.shutdownNow();
            }
            if (!options.dryRun()) {
                checkpoints.saveCheckpoint(checkpoint(true));
            }
            progress.update(read, total, written, failed, true);
            progress.finish();
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            Map<String, Double> in = new LinkedHashMap<>();
            in.put("clarityPages", round(clarityNanos / 1e9));
            in.put("duplicateMatch", round(matchNanos.get() / 1e9));
            double bulkSeconds = lanes.stream().mapToDouble(l -> l.writer.bulkSeconds()).sum();
            in.put("bulkJobs", round(bulkSeconds));
            // Two chunks are in flight at once, so the parts can add up to more than the run took.
            in.put("rest", round(Math.max(0, seconds - clarityNanos / 1e9 - matchNanos.get() / 1e9 - bulkSeconds)));
            Map<String, Long> rows = new LinkedHashMap<>();
            lanes.forEach(l -> l.writer.rowsByObject().forEach((k, v) -> rows.merge(k, v, Long::sum)));
            return new BackfillSummary(object.id(), spec.id(), "complete", "", options.dryRun(), read, written, failed,
                    skipped, resumedFrom, rows, lanes.stream().mapToLong(l -> l.writer.created()).sum(),
                    lanes.stream().mapToLong(l -> l.writer.updated()).sum(),
                    lanes.stream().mapToLong(l -> l.writer.jobs()).sum(),
                    salesforce.apiCallCount() - callsAtStart, seconds, in);
        }

        /**
         * Reads the list's pages in order on a virtual thread of its own, up to {@code ahead} pages ahead of the
         * caller (a bounded queue: at most a chunk's worth of records waits in memory), and stops at the last page
         * or the first failure, which the caller gets in its turn.
         */
        private final class PagePrefetch implements AutoCloseable {
            sealed interface Item {
                record Read(int number, ClarityPage page) implements Item {
                }

                record Failed(int number, RuntimeException failure) implements Item {
                }

                record End() implements Item {
                }
            }

            private final java.util.concurrent.BlockingQueue<Item> queue;
            private final Thread thread;

            PagePrefetch(ListQuery query, int first, int ahead) {
                this.queue = new java.util.concurrent.ArrayBlockingQueue<>(ahead);
                this.thread = Thread.ofVirtual().name("backfill-pages-" + object.id()).start(() -> {
                    try {
                        for (int number = first; ; number++) {
                            ClarityPage p;
                            try {
                                p = clarity.page(object.entity(), query.paged(options.pageSize(), number));
                            } catch (RuntimeException e) {
                                queue.put(new Item.Failed(number, e));
                                return;
                            }
                            queue.put(new Item.Read(number, p));
                            if (p.results().size() < options.pageSize() || number >= p.totalPages()) {
                                queue.put(new Item.End());
                                return;
                            }
                        }
                    } catch (InterruptedException e) {
                        // the run stopped: nobody takes the pages any more
                    }
                });
            }

            Item next() {
                try {
                    return queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a Clarity page", e);
                }
            }

            @Override
            public void close() {
                thread.interrupt();
            }
        }

        private Processed await(java.util.concurrent.CompletableFuture<Processed> chunk) {
            try {
                return chunk.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }

        /**
         * Settles a chunk that went through the flow: its store writes, links, dead letters and checkpoint in ONE
         * store transaction (one fsync, not one per record), or nothing when the run stops or the process dies; a
         * chunk that did not commit is read and upserted again. Chunks commit in the order they were read.
         */
        private void commit(Processed p) {
            if (p.fatal() != null) {
                throw aborted("Salesforce", "the Bulk API 2.0 upsert", p.fatal());
            }
            List<FlowOutcome> outcomes = p.outcomes();
            List<LoggedEvent> events = p.events();
            List<Integer> failures = new ArrayList<>();
            long chunkWritten = 0;
            long chunkSkipped = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                switch (outcomes.get(i)) {
                    case FlowOutcome.Synced s -> chunkWritten++;
                    case FlowOutcome.Skipped s -> chunkSkipped++;
                    case FlowOutcome.Failed f -> {
                        ErrorClass c = ErrorClass.of(f.errorCode(), f.details().httpStatus());
                        if (c == ErrorClass.AUTH || c == ErrorClass.CONNECTION || c == ErrorClass.RATE_LIMIT) {
                            throw aborted(f.errorCode().startsWith("CLARITY") ? "Clarity" : "a system",
                                    "processing " + object.id(), new IntegrationException("", f.errorCode(),
                                            f.message(), f.details().httpStatus(), true, List.of(), null, null));
                        }
                        failures.add(i);
                    }
                }
            }
            long doneBefore = read;
            String lastBefore = lastId;
            read += p.size();
            lastId = String.valueOf(lastIdOf(events));
            if (options.dryRun()) {
                written += chunkWritten;
                skipped += chunkSkipped;
                failed += failures.size();
                return;
            }
            Instant now = p.now();
            long w = chunkWritten;
            long sk = chunkSkipped;
            try {
                store.inTransaction(() -> {
                    p.lane().writes.apply();
                    // Each failed record's event goes into the log, so its dead letter can be retried through the
                    // normal flow (tandem dlq retry); appending is idempotent by the event id.
                    Map<Integer, Long> offsets = new HashMap<>();
                    for (int i : failures) {
                        offsets.put(i, stores.eventLog().append(events.get(i).event()).offset());
                    }
                    store.putIds(p.state().links);
                    for (int i : failures) {
                        FlowOutcome.Failed f = (FlowOutcome.Failed) outcomes.get(i);
                        InboundEvent e = events.get(i).event();
                        FlowOutcome.FailureDetails d = f.details();
                        store.addDeadLetter(new DeadLetter(0, offsets.get(i), spec.id(), spec.version(), e.entity(),
                                e.entityKey().isEmpty() ? e.entityId() : e.entityKey(), e.entity() + "/" + e.entityId(),
                                d.step(), f.errorCode(), null, f.message() + " (backfill of " + object.id() + ")",
                                d.httpStatus(), d.fields(), f.payload(), d.request(), d.refs(), 1, 1,
                                DeadLetter.State.OPEN, null, null, now, now));
                    }
                    checkpoints.saveCheckpoint(new Checkpoint(object.id(), options.since() == null ? ""
                            : options.since().toString(), read, lastId, written + w, failed + failures.size(),
                            skipped + sk, false, startedAt, clock.instant()));
                });
            } catch (RuntimeException e) {
                read = doneBefore;
                lastId = lastBefore;
                throw e;
            }
            written += chunkWritten;
            skipped += chunkSkipped;
            failed += failures.size();
        }

        private Checkpoint checkpoint(boolean complete) {
            return new Checkpoint(object.id(), options.since() == null ? "" : options.since().toString(), read,
                    lastId, written, failed, skipped, complete, startedAt, clock.instant());
        }

        private Aborted aborted(String system, String doing, RuntimeException e) {
            String code = e instanceof IntegrationException ie ? ie.errorCode() : e.getClass().getSimpleName();
            int status = e instanceof IntegrationException ie ? ie.httpStatus() : 0;
            ErrorClass c = ErrorClass.of(code, status);
            boolean configuration = c == ErrorClass.AUTH || code.startsWith("BULK_JOB_");
            String why = switch (c) {
                case AUTH -> system + " refused the credentials or the permission";
                case CONNECTION -> system + " could not be reached or did not answer";
                case RATE_LIMIT -> system + "'s API limit is used up";
                default -> system + " failed";
            };
            return new Aborted(why + " while " + doing + ": " + code + ": " + e.getMessage() + ". Nothing of the chunk "
                    + "under way was dead-lettered; " + read + " " + object.id() + " are done (checkpoint kept): fix "
                    + "the cause and run the same command again to resume.", configuration, e);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }

    /** An enricher whose time is added to {@code nanos}. */
    private static Enricher timed(Enricher enricher, java.util.concurrent.atomic.AtomicLong nanos) {
        return groups -> {
            long started = System.nanoTime();
            try {
                return enricher.enrich(groups);
            } finally {
                nanos.addAndGet(System.nanoTime() - started);
            }
        };
    }

    private static long lastIdOf(List<ObjectNode> rows) {
        long last = Long.MIN_VALUE;
        for (ObjectNode row : rows) {
            last = Math.max(last, row.path("ID").asLong(Long.MIN_VALUE));
        }
        return last;
    }

    private static long lastIdOf(Collection<LoggedEvent> events) {
        long last = Long.MIN_VALUE;
        for (LoggedEvent e : events) {
            try {
                last = Math.max(last, Long.parseLong(e.event().entityId()));
            } catch (NumberFormatException ignored) {
                // CEF ids are integers; a record without one is not counted in the checkpoint's position
            }
        }
        return last;
    }

    /** Dry run: names the price-book entries an order line would get, instead of finding or creating them. */
    private static List<Enricher.Result> describePricebookEntries(List<dev.tandem.core.write.WriteGroup> groups) {
        List<Enricher.Result> out = new ArrayList<>(groups.size());
        for (dev.tandem.core.write.WriteGroup g : groups) {
            List<RecordWrite> records = new ArrayList<>();
            for (RecordWrite r : g.records()) {
                ObjectNode fields = r.fields().deepCopy();
                r.fields().properties().forEach(f -> {
                    JsonNode v = f.getValue();
                    if (v.isObject() && "pricebookEntry".equals(v.path("enrich").asText())) {
                        fields.put(f.getKey(), "(dry run: price book entry of " + v.path("productKey").asText()
                                + ")");
                    }
                });
                records.add(r.withFields(fields));
            }
            out.add(new Enricher.Result.Enriched(g.withRecords(records)));
        }
        return out;
    }

    /** The links a chunk produced, written with its checkpoint; audit entries of the steps are not kept. */
    private static final class Links implements FlowState {
        final List<String[]> links = new ArrayList<>();

        @Override
        public void audit(AuditEntry entry) {
        }

        @Override
        public synchronized void link(String entity, String sourceKey, String targetId) {
            if (!targetId.isEmpty()) {
                links.add(new String[]{entity, sourceKey, targetId});
            }
        }
    }
}
