package dev.tandem.clarity.read;

import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of the {@link ClarityDeltaPoller} (clarity-api.md §11, ingestion path 1); {@code clarity.poll.*} in
 * tandem.yaml ({@link #SPEC}).
 *
 * @param interval       the pause between two polls of all entities (after one poll ends, before the next starts)
 * @param overlap        how far before the stored cursor each poll starts reading ({@code ModifiedSince = cursor −
 *                       overlap}): covers clock skew between Tandem and Clarity and changes committed late; default 2 min
 * @param pageSize       rows per page ({@code Paging.Size}); default 100, at most 1000
 * @param entities       the lists polled, in this order; default all of {@link #DEFAULT_ENTITIES}
 * @param initialCursor  where a cursor that was never saved starts; default {@link Instant#EPOCH}, i.e. the first poll
 *                       reads (and emits) every existing record once, a backfill
 * @param maxRemembered  the bound of the recent-seen set kept in each cursor; default 10 000
 */
public record PollSettings(Duration interval, Duration overlap, int pageSize, List<ClarityEntity> entities,
                           Instant initialCursor, int maxRemembered) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_OVERLAP = Duration.ofMinutes(2);
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    public static final int DEFAULT_MAX_REMEMBERED = 10_000;
    /** What Tandem syncs: customers, orders and their status changes, products and stock. */
    public static final List<ClarityEntity> DEFAULT_ENTITIES = List.of(ClarityEntity.USER, ClarityEntity.ACCOUNT,
            ClarityEntity.CONTACT, ClarityEntity.SALES_ORDER, ClarityEntity.SALES_ORDER_EVENT, ClarityEntity.PRODUCT,
            ClarityEntity.PRODUCT_INVENTORY_LOCATION_SECTION);

    /** An entity by its name, e.g. {@code SalesOrder} (case does not matter). */
    private static final Type<ClarityEntity> ENTITY = Type.scalar("entity", name -> Arrays.stream(ClarityEntity.values())
            .filter(e -> e.entityName().equalsIgnoreCase(name.strip())).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("names an unknown entity '" + name + "' (known: "
                    + String.join(", ", Arrays.stream(ClarityEntity.values()).map(ClarityEntity::entityName).toList())
                    + ")")), ClarityEntity::entityName);
    /** {@code now} (when the configuration is read) or an ISO-8601 instant. */
    private static final Type<Instant> START = Type.scalar("`now` or ISO instant", text -> {
        try {
            return "now".equalsIgnoreCase(text.strip()) ? Instant.now() : Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("must be 'now' or an ISO instant like 2026-01-01T00:00:00Z, got '"
                    + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'", e);
        }
    }, Instant::toString);

    /** The keys of {@code clarity.poll}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> INTERVAL = SPEC.define("interval", Type.DURATION, DEFAULT_INTERVAL,
            Validator.positive(), "time between polls (from the end of one to the start of the next)");
    private static final ConfigSpec.Key<Duration> OVERLAP = SPEC.define("overlap", Type.DURATION, DEFAULT_OVERLAP,
            Validator.notNegative(), "each poll asks for `ModifiedSince = cursor − overlap`, so clock skew and late "
                    + "commits are not missed; rows seen twice are de-duplicated by (ID, Hash)");
    private static final ConfigSpec.Key<Integer> PAGE_SIZE = SPEC.define("pageSize", Type.INT, DEFAULT_PAGE_SIZE,
            Validator.between(1, MAX_PAGE_SIZE), "rows per page (`Paging={Size:N,StartIndex:k}`, k a 1-based page "
                    + "number)");
    private static final ConfigSpec.Key<List<ClarityEntity>> ENTITIES = SPEC.define("entities", Type.listOf(ENTITY),
            DEFAULT_ENTITIES, Validator.<List<ClarityEntity>>quiet("", l -> !l.isEmpty(), "must list at least one entity")
                    .and(Validator.quiet("", l -> Set.copyOf(l).size() == l.size(), "must list each entity once")),
            "which lists to poll, in this order (the default is every list Tandem knows but AccountContact)");
    private static final ConfigSpec.Key<Instant> START_FROM = SPEC.optional("startFrom", START,
            "the epoch (full backfill)", "where a poller without a stored cursor starts; the cursor is stored per "
                    + "list and advanced only after the events are durably in the log");

    /** Nulls take the defaults. */
    public PollSettings {
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        overlap = overlap == null ? DEFAULT_OVERLAP : overlap;
        entities = entities == null ? DEFAULT_ENTITIES : List.copyOf(entities);
        initialCursor = initialCursor == null ? Instant.EPOCH : initialCursor;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("the poll interval must be positive, got: " + interval);
        }
        if (overlap.isNegative()) {
            throw new IllegalArgumentException("the poll overlap must not be negative, got: " + overlap);
        }
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("the poll page size must be 1.." + MAX_PAGE_SIZE + ", got: " + pageSize);
        }
        if (entities.isEmpty()) {
            throw new IllegalArgumentException("at least one entity must be polled");
        }
        Set<ClarityEntity> distinct = EnumSet.noneOf(ClarityEntity.class);
        for (ClarityEntity e : entities) {
            if (!distinct.add(Objects.requireNonNull(e, "entity"))) {
                throw new IllegalArgumentException("an entity is polled once, got " + e.entityName() + " twice");
            }
        }
        if (maxRemembered < 1) {
            throw new IllegalArgumentException("maxRemembered must be positive, got: " + maxRemembered);
        }
    }

    /** Every default: 30 s interval, 2 min overlap, 100 rows a page, all entities, backfill from the epoch. */
    public static PollSettings defaults() {
        return new PollSettings(null, null, DEFAULT_PAGE_SIZE, null, null, DEFAULT_MAX_REMEMBERED);
    }

    /** The settings of a {@code clarity.poll} section parsed with {@link #SPEC}. */
    public static PollSettings from(Config c) {
        return c.build(() -> new PollSettings(c.get(INTERVAL), c.get(OVERLAP), c.get(PAGE_SIZE), c.get(ENTITIES),
                c.get(START_FROM), DEFAULT_MAX_REMEMBERED));
    }

    public PollSettings withInterval(Duration value) {
        return new PollSettings(value, overlap, pageSize, entities, initialCursor, maxRemembered);
    }

    public PollSettings withOverlap(Duration value) {
        return new PollSettings(interval, value, pageSize, entities, initialCursor, maxRemembered);
    }

    public PollSettings withPageSize(int value) {
        return new PollSettings(interval, overlap, value, entities, initialCursor, maxRemembered);
    }

    public PollSettings withEntities(List<ClarityEntity> value) {
        return new PollSettings(interval, overlap, pageSize, value, initialCursor, maxRemembered);
    }

    public PollSettings withInitialCursor(Instant value) {
        return new PollSettings(interval, overlap, pageSize, entities, value, maxRemembered);
    }

    public PollSettings withMaxRemembered(int value) {
        return new PollSettings(interval, overlap, pageSize, entities, initialCursor, value);
    }
}
