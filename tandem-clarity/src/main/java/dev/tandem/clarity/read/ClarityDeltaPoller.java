package dev.tandem.clarity.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.clarity.model.ClarityDates;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.model.ClarityEventType;
import dev.tandem.core.connector.ChangeSource;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.CursorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ingestion path 1 of docs/clarity.md §2 ("How polling works"), the one that works against every real CEF install: polls each list
 * {@code GET /<M>/<E>s?ModifiedSince=<cursor − overlap>&Sorts=[{field:ID,dir:asc}]&Paging={Size:N,StartIndex:k}} and
 * appends the same {@link InboundEvent}s the webhook path produces (source {@code clarity}) through the
 * {@link Ingest}. As a {@link ChangeSource} ({@value #NAME}) it polls on its own virtual thread once started.
 *
 * <p><b>Event types</b>: {@code SalesOrder.Created} (an order created inside the window and not seen before) or
 * {@code SalesOrder.Updated}; {@code Customer.Created} (the same rule) or {@code Customer.Updated} for {@code User},
 * {@code Account}, {@code Contact} (entity the CEF name, entityId its {@code ID}, entityKey its {@code CustomKey} or
 * {@code ""}; a deactivation is an update);
 * {@code Product.Updated}; {@code Inventory.Changed} for {@code ProductInventoryLocationSection} (with
 * {@code ProductID}, {@code ProductKey}, {@code Quantity}); {@code SalesOrder.StatusChanged} from
 * {@code SalesOrderEvents} whose status changed (entity {@code SalesOrder}, id = the order's). The payload is the
 * webhook body shape of §11 plus {@code "Source":"poll"}.
 *
 * <p><b>Nothing lost</b>: the durable cursor ({@link CursorStore}, name {@code clarity.poll.<Entity>}) is saved only
 * after every event of the pass was appended; a crash in between re-reads the window, and the event log drops what it
 * already holds, because the source event id is deterministic: {@code poll:<Entity>:<ID>|<Hash>|<change millis>}.
 * (The change time is part of the version so that a record changed back to an earlier state, A→B→A, is still
 * emitted; an unchanged record re-read has the same version.)
 *
 * <p><b>Offset paging over a live table</b>: rows are read in ID order, so a change during the read never moves a
 * row; it only lets a row enter the window (its {@code UpdatedDate} becomes recent). A row entering behind the read
 * position shifts later rows one place on (read twice, de-duplicated); a row entering ahead is read in this pass; a
 * row changed behind the read position is read by the next poll, because the new watermark is no later than this
 * poll's start or the newest change seen, minus the overlap. Only a hard delete can shift rows back and skip one:
 * a falling {@code TotalCount} between pages makes the poller read the window again (up to 3 passes), and when it
 * will not settle the watermark stays where it was. The overlap must exceed both the clock skew between Tandem and
 * Clarity and the duration of one pass (a warning is logged when a pass takes longer).
 *
 * <p><b>De-duplication across polls</b>: the versions emitted whose change time lies in the next window are kept in
 * the cursor value itself (bounded by {@link PollSettings#maxRemembered()}, newest kept), so a restart re-reads the
 * overlap window without re-emitting it; anything older is stopped by the event log's de-duplication.
 *
 * <p>Thread-safe: polls never overlap ({@link #pollOnce()} and the background loop share one lock).
 */
public final class ClarityDeltaPoller implements ChangeSource {

    public static final String NAME = "clarity.poll";
    public static final String SOURCE = "clarity";
    public static final String CURSOR_PREFIX = "clarity.poll.";
    static final int MAX_PASSES = 3;
    /** A server announcing more pages than this in one pass is not trusted to ever end. */
    static final int MAX_PAGES_PER_PASS = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(ClarityDeltaPoller.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClarityPageSource source;
    private final CursorStore cursors;
    private final Clock clock;
    private final PollSettings settings;
    private final ReentrantLock pollLock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Thread loop;
    /** What went wrong in the last background poll; empty when it read every list. */
    private volatile String lastProblem = "";

    /**
     * @param source   the list reader, normally the {@link dev.tandem.clarity.client.ClarityRestClient}
     * @param cursors  where the cursors live (the {@link dev.tandem.core.spi.StateStore})
     * @param clock    the poll start time (one bound of the new watermark)
     * @param settings interval, overlap, page size, entities
     */
    public ClarityDeltaPoller(ClarityPageSource source, CursorStore cursors, Clock clock, PollSettings settings) {
        this.source = Objects.requireNonNull(source, "source");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public String name() {
        return NAME;
    }

    public PollSettings settings() {
        return settings;
    }

    /**
     * Polls every configured list once, in order. A list that fails (Clarity down, a refused call) is reported in
     * {@link PollResult#failures()} with its cursor unmoved, and the others are still polled. Each page's events
     * go to {@code ingest} in one append; a list's cursor is saved after its last append returned.
     */
    public PollResult pollOnce(Ingest ingest) {
        Objects.requireNonNull(ingest, "ingest");
        pollLock.lock();
        try {
            Map<ClarityEntity, PollResult.Counts> counts = new EnumMap<>(ClarityEntity.class);
            Map<ClarityEntity, String> failures = new EnumMap<>(ClarityEntity.class);
            for (ClarityEntity entity : settings.entities()) {
                try {
                    PollResult.Counts c = poll(entity, ingest);
                    counts.put(entity, c);
                } catch (RuntimeException e) {
                    LOG.warn("Polling Clarity {} failed; its cursor stays where it was: {}", entity.entityName(),
                            e.getMessage());
                    failures.put(entity, e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            return new PollResult(counts, failures);
        } finally {
            pollLock.unlock();
        }
    }

    /**
     * Starts polling on a virtual thread: a poll, then {@link PollSettings#interval()} of rest, until {@link #close()}.
     *
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public synchronized void start(Ingest ingest) {
        Objects.requireNonNull(ingest, "ingest");
        if (loop != null || stopped.getCount() == 0) {
            throw new IllegalStateException("The Clarity poller was already started or closed");
        }
        loop = Thread.ofVirtual().name("clarity-delta-poller").start(() -> run(ingest));
    }

    /**
     * {@code UP} while polling; {@code DEGRADED} with the lists that failed when the last poll could not read them
     * (their cursors wait, the next poll tries again).
     */
    @Override
    public SourceHealth health() {
        if (stopped.getCount() == 0) {
            return SourceHealth.of(SourceHealth.State.STOPPED);
        }
        if (loop == null) {
            return SourceHealth.of(SourceHealth.State.NEW);
        }
        String problem = lastProblem;
        return problem.isEmpty() ? SourceHealth.up() : SourceHealth.degraded(problem);
    }

    /** Stops the loop: a poll in progress finishes (its cursors are saved), no new one starts. */
    @Override
    public void close() {
        stopped.countDown();
        Thread running = loop;
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(Ingest ingest) {
        LOG.info("Clarity delta poller started: every {}, overlap {}, {} rows a page, lists {}", settings.interval(),
                settings.overlap(), settings.pageSize(),
                settings.entities().stream().map(ClarityEntity::entityName).toList());
        try {
            while (stopped.getCount() > 0) {
                try {
                    PollResult result = pollOnce(ingest);
                    lastProblem = result.failures().isEmpty() ? "" : "the last poll failed for "
                            + result.failures().keySet().stream().map(ClarityEntity::entityName).toList() + ": "
                            + result.failures().values().iterator().next();
                    if (result.appended() > 0) {
                        LOG.info("Clarity poll appended {} events ({} rows read)", result.appended(), result.read());
                    }
                } catch (RuntimeException e) {
                    lastProblem = "the last poll failed: " + e;
                    LOG.error("Clarity poll failed", e);
                }
                if (stopped.await(settings.interval().toNanos(), TimeUnit.NANOSECONDS)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Clarity delta poller stopped");
    }

    // ---- one list

    private PollResult.Counts poll(ClarityEntity entity, Ingest ingest) {
        String cursorName = CURSOR_PREFIX + entity.entityName();
        PollCursor cursor = cursors.cursor(cursorName).map(v -> PollCursor.parse(cursorName, v))
                .orElseGet(() -> {
                    // Stored before the first request: a start point like "now" must not move on if the first
                    // polls fail and Tandem restarts, or the changes in between would never be polled.
                    PollCursor initial = PollCursor.at(settings.initialCursor());
                    cursors.saveCursor(cursorName, initial.format());
                    return initial;
                });
        Instant pollStart = clock.instant();
        Instant since = cursor.watermark().minus(settings.overlap());
        Map<String, Instant> seen = new HashMap<>(cursor.seen());
        Set<String> seenIds = new HashSet<>();
        seen.keySet().forEach(k -> seenIds.add(k.substring(0, k.indexOf('|'))));
        Tally tally = new Tally();
        Instant newest = null;
        boolean settled = false;
        ListQuery window = ListQuery.all().modifiedSince(since).sortedBy("ID", true);
        while (!settled && tally.passes < MAX_PASSES) {
            tally.passes++;
            settled = true;
            int mostRows = -1;
            for (int page = 1; ; page++) {
                if (page > MAX_PAGES_PER_PASS) {
                    throw new IllegalStateException("Clarity " + entity.listPath() + " did not end after "
                            + MAX_PAGES_PER_PASS + " pages");
                }
                ClarityPage p = source.page(entity, window.paged(settings.pageSize(), page));
                tally.pages++;
                if (p.totalCount() < mostRows) {
                    // a row left the window (a hard delete): later rows moved back and one may have been skipped
                    settled = false;
                }
                mostRows = Math.max(mostRows, p.totalCount());
                List<InboundEvent> pageEvents = new ArrayList<>();
                for (ObjectNode row : p.results()) {
                    Instant changed = emit(entity, row, since, seen, seenIds, tally, pageEvents);
                    if (changed != null && (newest == null || changed.isAfter(newest))) {
                        newest = changed;
                    }
                }
                // One durable commit per page instead of one per row (benchmarks.md: appends were 55-75 % of a
                // poll); the cursor is still saved only after every append returned.
                if (!pageEvents.isEmpty()) {
                    // The ingest wakes the flows when a page brought something new, not after the whole list.
                    for (AppendResult result : ingest.append(pageEvents)) {
                        if (result.duplicate()) {
                            tally.duplicates++;
                        } else {
                            tally.appended++;
                        }
                    }
                }
                if (p.results().size() < settings.pageSize() || page >= p.totalPages()) {
                    break;
                }
            }
        }
        Duration took = Duration.between(pollStart, clock.instant());
        if (took.compareTo(settings.overlap()) > 0) {
            LOG.warn("Polling Clarity {} took {}, longer than the overlap {}: raise the overlap or the page size",
                    entity.entityName(), took, settings.overlap());
        }
        Instant watermark = cursor.watermark();
        if (settled && newest != null) {
            // the earlier of our start and the newest change seen: safe whichever clock is ahead (see class doc)
            Instant candidate = newest.isBefore(pollStart) ? newest : pollStart;
            watermark = candidate.isAfter(watermark) ? candidate : watermark;
        } else if (!settled) {
            LOG.warn("Clarity {} kept losing rows while it was read ({} passes); the cursor stays at {}",
                    entity.entityName(), tally.passes, watermark);
        }
        Map<String, Instant> kept = PollCursor.prune(seen, watermark.minus(settings.overlap()),
                settings.maxRemembered());
        // saved only now, after every append above returned: invariant "nothing lost"
        cursors.saveCursor(cursorName, new PollCursor(watermark, kept).format());
        return tally.counts();
    }

    /** Adds the event for one row to {@code out} unless its version was seen; returns the row's change time, null if rejected. */
    private Instant emit(ClarityEntity entity, ObjectNode row, Instant since, Map<String, Instant> seen,
                         Set<String> seenIds, Tally tally, List<InboundEvent> out) {
        tally.read++;
        JsonNode idNode = row.get("ID");
        Optional<Instant> created = ClarityDates.parse(row.path("CreatedDate").asText(null));
        Optional<Instant> updated = ClarityDates.parse(row.path("UpdatedDate").asText(null));
        if (idNode == null || !idNode.isIntegralNumber() || idNode.asLong() < 0
                || (created.isEmpty() && updated.isEmpty())) {
            tally.rejected++;
            LOG.warn("Skipping a Clarity {} row without an integer ID or a CreatedDate/UpdatedDate",
                    entity.entityName());
            return null;
        }
        String id = Long.toString(idNode.asLong());
        Instant changed = updated.filter(u -> created.isEmpty() || !u.isBefore(created.get()))
                .orElseGet(created::orElseThrow);
        JsonNode hash = row.get("Hash");
        String version = id + "|" + (hash != null && hash.isIntegralNumber() ? hash.asText() : "-") + "|"
                + changed.toEpochMilli();
        if (seen.containsKey(version)) {
            tally.alreadySeen++;
            return changed;
        }
        Optional<InboundEvent> event = toEvent(entity, row, id, version, changed, hash,
                created.filter(c -> !c.isBefore(since)).isPresent() && !seenIds.contains(id));
        if (event.isEmpty()) {
            tally.ignored++;
        } else {
            out.add(event.get());
        }
        seen.put(version, changed);
        seenIds.add(id);
        return changed;
    }

    private static Optional<InboundEvent> toEvent(ClarityEntity entity, ObjectNode row, String id, String version,
                                                  Instant changed, JsonNode hash, boolean createdInWindow) {
        String key = text(row, "CustomKey");
        String type;
        String eventEntity = entity.entityName();
        String eventId = id;
        String eventKey = key;
        ObjectNode extra = JSON.createObjectNode();
        switch (entity) {
            case SALES_ORDER -> type = createdInWindow ? "SalesOrder.Created" : "SalesOrder.Updated";
            // as for orders: a row created inside the window and not seen before is new, as the webhook says it
            case USER, ACCOUNT, CONTACT -> type = (createdInWindow ? ClarityEventType.CUSTOMER_CREATED
                    : ClarityEventType.CUSTOMER_UPDATED).typeName();
            case PRODUCT -> type = "Product.Updated";
            // A contact joined (or changed in) an account's address book: its contact changed as a customer, as
            // the webhook extension announces it (§11: Customer.Updated, Entity Contact).
            case ACCOUNT_CONTACT -> {
                JsonNode slave = row.get("SlaveID");
                if (slave == null || !slave.isIntegralNumber()) {
                    return Optional.empty();
                }
                type = ClarityEventType.CUSTOMER_UPDATED.typeName();
                eventEntity = ClarityEntity.CONTACT.entityName();
                eventId = slave.asText();
                eventKey = text(row, "SlaveKey");
            }
            case PRODUCT_INVENTORY_LOCATION_SECTION -> {
                type = "Inventory.Changed";
                copy(row, "MasterID", extra, "ProductID");
                copy(row, "MasterKey", extra, "ProductKey");
                copy(row, "Quantity", extra, "Quantity");
            }
            case SALES_ORDER_EVENT -> {
                JsonNode oldStatus = row.get("OldStatusID");
                JsonNode newStatus = row.get("NewStatusID");
                JsonNode master = row.get("MasterID");
                if (newStatus == null || newStatus.isNull() || newStatus.equals(oldStatus)
                        || master == null || !master.isIntegralNumber()) {
                    return Optional.empty();
                }
                type = "SalesOrder.StatusChanged";
                eventEntity = ClarityEntity.SALES_ORDER.entityName();
                eventId = master.asText();
                eventKey = text(row, "MasterKey");
                extra.put("SalesOrderEventID", Long.parseLong(id));
                copy(row, "OldStatusID", extra, "OldStatusID");
                copy(row, "NewStatusID", extra, "NewStatusID");
                copy(row, "OldStatusKey", extra, "OldStatusKey");
                copy(row, "NewStatusKey", extra, "NewStatusKey");
            }
            default -> throw new IllegalArgumentException("Polling " + entity.entityName() + " is not supported");
        }
        String sourceEventId = "poll:" + entity.entityName() + ":" + version;
        ObjectNode payload = JSON.createObjectNode();
        payload.put("EventID", sourceEventId);
        payload.put("EventType", type);
        payload.put("Entity", eventEntity);
        payload.put("ID", Long.parseLong(eventId));
        if (!eventKey.isEmpty()) {
            payload.put("CustomKey", eventKey);
        }
        payload.put("OccurredAt", changed.toString());
        if (hash != null && hash.isIntegralNumber()) {
            payload.set("Hash", hash);
        }
        payload.setAll(extra);
        payload.put("Source", "poll");
        return Optional.of(new InboundEvent(SOURCE, sourceEventId, type, eventEntity, eventId, eventKey, changed,
                payload.toString()));
    }

    private static String text(ObjectNode row, String field) {
        JsonNode value = row.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? "" : value.asText();
    }

    private static void copy(ObjectNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull() && value.isValueNode()) {
            to.set(as, value);
        }
    }

    private static final class Tally {
        int pages;
        int read;
        int appended;
        int duplicates;
        int alreadySeen;
        int ignored;
        int rejected;
        int passes;

        PollResult.Counts counts() {
            return new PollResult.Counts(pages, read, appended, duplicates, alreadySeen, ignored, rejected, passes);
        }
    }
}
