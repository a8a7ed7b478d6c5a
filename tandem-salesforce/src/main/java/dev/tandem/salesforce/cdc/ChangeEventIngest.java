package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.echo.ChangeNotice;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.echo.EchoVerdict;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.CursorStore;
import dev.tandem.core.state.AuditEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Makes change events durable (architecture invariant 1): every event becomes one {@link InboundEvent} per record id
 * (Salesforce merges one change to several records of one transaction into one event, §4.2), appended to the event
 * log de-duplicated by (topic, replay id, record id); the topic's {@link CdcCursor} is saved only after the append
 * returned. A crash between the two re-delivers the batch on restart and the log drops the copies.
 *
 * <p>Gap events are resolved here before their replay id is committed: the listed records (GAP_*) or the object's
 * records changed since the event (GAP_OVERFLOW) are re-read over REST and appended as synthetic change events.
 * Echoes of Tandem's own writes ({@link EchoPolicy}) are dropped and audited as {@code echo}.
 */
public final class ChangeEventIngest {

    /** The {@code source} of every event this connector appends. */
    public static final String SOURCE = "salesforce";
    /** The audit trail's flow name for CDC ingest (echoes, recoveries); entries carry event offset 0. */
    public static final String AUDIT_FLOW = "salesforce-cdc";

    /**
     * Fields Salesforce sets itself on every write, left out when comparing an event with Tandem's write: Tandem
     * never writes them, so they would make every echo look like someone else's change.
     */
    static final Set<String> SYSTEM_FIELDS = Set.of("LastModifiedDate", "LastModifiedById", "SystemModstamp",
            "CreatedDate", "CreatedById", "OwnerId", "LastReferencedDate", "LastViewedDate");

    /** How many re-read records are appended per transaction during a recovery. */
    static final int RECOVERY_CHUNK = 500;

    private static final Pattern ADDRESS = Pattern.compile("([A-Za-z]*)Address\\.([A-Za-z]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Ingest ingest;
    private final CursorStore cursors;
    private final AuditTrail audit;
    private final Supplier<Optional<EchoPolicy>> echo;
    private final RecordReReader reReader;
    private final CdcMetrics metrics;
    private final Clock clock;

    public ChangeEventIngest(Ingest ingest, CursorStore cursors, AuditTrail audit, Supplier<Optional<EchoPolicy>> echo,
                             RecordReReader reReader, CdcMetrics metrics, Clock clock) {
        this.ingest = Objects.requireNonNull(ingest, "ingest");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.echo = Objects.requireNonNull(echo, "echo");
        this.reReader = Objects.requireNonNull(reReader, "reReader");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The stored cursor of a topic. */
    public Optional<CdcCursor> cursor(String topic) {
        return cursors.cursor(CdcCursor.nameFor(topic)).flatMap(CdcCursor::parse);
    }

    /**
     * Appends the events of one FetchResponse durably, then saves the cursor of the last one.
     *
     * @return how many were newly appended (duplicates and echoes not counted)
     */
    public int ingest(String topic, List<ChangeEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        metrics.received(topic, events.size());
        Pending batch = new Pending();
        int appended = 0;
        for (ChangeEvent event : events) {
            if (event.isOverflow()) {
                appended += flush(topic, batch);
                appended += reReadSince(topic, List.of(event.entityName()),
                        Instant.ofEpochMilli(event.commitTimestamp()), "GAP_OVERFLOW replay " + event.replayId());
            } else if (event.isGap()) {
                reReadGap(topic, event).forEach(e -> batch.add(e, null, null));
            } else {
                Map<String, Object> values = echo.get().isPresent() ? changedValues(event) : Map.of();
                for (InboundEvent inbound : toInbound(event)) {
                    batch.add(inbound, event, new ChangeNotice(SOURCE, event.entityName(), inbound.entityId(),
                            event.originClient(), event.commitUser(), values));
                }
            }
        }
        appended += flush(topic, batch);
        metrics.appended(topic, appended);
        ChangeEvent last = events.get(events.size() - 1);
        cursors.saveCursor(CdcCursor.nameFor(topic), new CdcCursor(last.replayId(), last.commitTimestamp()).encode());
        metrics.committed(topic, last.commitTimestamp());
        return appended;
    }

    /**
     * An empty keep-alive FetchResponse carries the latest replay id: storing it keeps a quiet topic's replay id
     * inside the retention window ("Pub/Sub API: Keepalive Behavior"). The commitTimestamp of the last real change
     * is kept.
     */
    public void keepAlive(String topic, String latestReplayId) {
        long commit = cursor(topic).map(CdcCursor::commitTimestamp).orElse(0L);
        cursors.saveCursor(CdcCursor.nameFor(topic), new CdcCursor(latestReplayId, commit).encode());
    }

    /**
     * Expired or invalid replay id: re-reads every record of {@code objects} changed since {@code since} as
     * synthetic change events, audited and counted. Called once the replacement LATEST stream is up, so together
     * the two cover every change.
     */
    public int recoverExpiredReplay(String topic, List<String> objects, Instant since) {
        int appended = reReadSince(topic, objects, since, "replay id invalid or expired");
        metrics.appended(topic, appended);
        return appended;
    }

    private int reReadSince(String topic, List<String> objects, Instant since, String reason) {
        long started = clock.millis();
        int appended = 0;
        int read = 0;
        for (String object : objects) {
            Iterator<ObjectNode> records = reReader.changedSince(object, since).iterator();
            List<InboundEvent> chunk = new ArrayList<>();
            while (records.hasNext()) {
                chunk.add(synthetic(object, records.next(), "Updated", reason));
                read++;
                if (chunk.size() == RECOVERY_CHUNK) {
                    appended += appendAll(chunk);
                    chunk.clear();
                }
            }
            appended += appendAll(chunk);
        }
        String kind = reason.startsWith("GAP_OVERFLOW") ? "overflow" : "expired-replay";
        metrics.recovery(topic, kind);
        audit.audit(new AuditEntry(0, AUDIT_FLOW, "", "recovery", topic + ": re-read " + String.join(", ", objects)
                + " changed since " + since, 0, clock.millis() - started, "OK",
                reason + "; " + read + " records re-read, " + appended + " new events", clock.instant()));
        return appended;
    }

    private List<InboundEvent> reReadGap(String topic, ChangeEvent gap) {
        long started = clock.millis();
        String type = typeSuffix(gap.changeType().substring("GAP_".length()));
        List<InboundEvent> synthetic = new ArrayList<>();
        List<String> ids = gap.recordIds().stream().filter(id -> !id.endsWith("*")).toList();
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        if (!ids.isEmpty()) {
            for (ObjectNode record : reReader.byIds(gap.entityName(), ids)) {
                found.put(record.path("Id").asText(), record);
            }
        }
        for (String id : ids) {
            ObjectNode record = found.get(id);
            if (record == null) {
                // Deleted since, or never visible to the integration user: still a notification for the flows.
                record = JSON.createObjectNode().put("Id", id);
            }
            InboundEvent event = synthetic(gap.entityName(), record, found.containsKey(id) ? type : "Deleted",
                    gap.changeType() + " replay " + gap.replayId());
            synthetic.add(new InboundEvent(event.source(), topic + ":" + gap.replayId() + ":" + id, event.type(),
                    event.entity(), event.entityId(), "", Instant.ofEpochMilli(gap.commitTimestamp()),
                    event.payload()));
        }
        metrics.recovery(topic, "gap");
        audit.audit(new AuditEntry(0, AUDIT_FLOW, "", "recovery", topic + " " + gap.changeType() + " replay "
                + gap.replayId() + " " + gap.entityName() + " " + gap.recordIds(), 0, clock.millis() - started, "OK",
                found.size() + " of " + ids.size() + " records re-read by id", clock.instant()));
        return synthetic;
    }

    private InboundEvent synthetic(String object, ObjectNode record, String type, String reason) {
        String id = record.path("Id").asText();
        String modstamp = record.path("SystemModstamp").asText("");
        Instant occurred = parseInstant(modstamp).orElse(clock.instant());
        ObjectNode payload = JSON.createObjectNode();
        payload.put("recovered", true);
        payload.put("reason", reason);
        payload.set("record", record);
        return new InboundEvent(SOURCE, "recovery:" + object + ":" + id + ":" + modstamp, object + "." + type,
                object, id, "", occurred, write(payload));
    }

    private static Optional<Instant> parseInstant(String text) {
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(java.time.OffsetDateTime.parse(text.replaceFirst("\\+0000$", "Z")).toInstant());
        } catch (RuntimeException e) {
            try {
                return Optional.of(Instant.parse(text));
            } catch (RuntimeException again) {
                return Optional.empty();
            }
        }
    }

    private int appendAll(List<InboundEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        int fresh = 0;
        for (AppendResult result : ingest.append(List.copyOf(events))) {
            if (!result.duplicate()) {
                fresh++;
            }
        }
        return fresh;
    }

    /** Events of one batch in log order; the change ones with the notice the echo policy judges. */
    private static final class Pending {
        final List<InboundEvent> events = new ArrayList<>();
        final List<ChangeEvent> sources = new ArrayList<>();
        final List<ChangeNotice> notices = new ArrayList<>();

        void add(InboundEvent event, ChangeEvent source, ChangeNotice notice) {
            events.add(event);
            sources.add(source);
            notices.add(notice);
        }
    }

    /**
     * Drops the echoes among the batch (one fingerprint look-up per entity for the whole batch), audits and counts
     * them, appends the rest in one call and empties the batch.
     */
    private int flush(String topic, Pending batch) {
        Optional<EchoPolicy> policy = echo.get();
        List<InboundEvent> kept = new ArrayList<>();
        if (policy.isEmpty()) {
            kept.addAll(batch.events);
        } else {
            List<ChangeNotice> judged = batch.notices.stream().filter(Objects::nonNull).toList();
            Iterator<EchoVerdict> verdicts = policy.get().judgeAll(judged).iterator();
            for (int i = 0; i < batch.events.size(); i++) {
                InboundEvent event = batch.events.get(i);
                if (batch.notices.get(i) == null) {
                    kept.add(event);
                    continue;
                }
                EchoVerdict verdict = verdicts.next();
                if (verdict.echo()) {
                    ChangeEvent source = batch.sources.get(i);
                    metrics.echo(topic);
                    audit.audit(new AuditEntry(0, AUDIT_FLOW, "", "echo", topic + " replay " + source.replayId() + " "
                            + source.entityName() + " " + event.entityId(), 0, 0, "SKIPPED",
                            "echo: " + verdict.reason(), clock.instant()));
                } else {
                    kept.add(event);
                }
            }
        }
        batch.events.clear();
        batch.sources.clear();
        batch.notices.clear();
        return appendAll(kept);
    }

    /**
     * The values an event reports, under the REST field names Tandem writes with: the changed fields of an UPDATE
     * (nulled ones as null), every field with a value of a CREATE; compound sub-fields flattened
     * ({@code BillingAddress.City} → {@code BillingCity}, {@code Name.FirstName} → {@code FirstName}).
     */
    static Map<String, Object> changedValues(ChangeEvent event) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (event.changeType().equals("UPDATE")) {
            List<String> names = new ArrayList<>(event.changedFields());
            for (String nulled : event.nulledFields()) {
                if (!names.contains(nulled)) {
                    names.add(nulled);
                }
            }
            for (String name : names) {
                JsonNode node = lookUp(event.fields(), name);
                if (node != null && node.isObject()) {
                    node.properties().forEach(e -> put(values, name + "." + e.getKey(), e.getValue()));
                } else {
                    put(values, name, node);
                }
            }
        } else {
            event.fields().properties().forEach(e -> {
                if (e.getValue().isObject()) {
                    e.getValue().properties().forEach(sub -> {
                        if (!sub.getValue().isNull()) {
                            put(values, e.getKey() + "." + sub.getKey(), sub.getValue());
                        }
                    });
                } else if (!e.getValue().isNull()) {
                    put(values, e.getKey(), e.getValue());
                }
            });
        }
        return values;
    }

    private static void put(Map<String, Object> values, String name, JsonNode node) {
        String field = restName(name);
        if (SYSTEM_FIELDS.contains(field)) {
            return;
        }
        values.put(field, node == null || node.isNull() ? null : node.isNumber() ? node.decimalValue()
                : node.isBoolean() ? (Object) node.booleanValue() : node.asText());
    }

    static String restName(String name) {
        Matcher address = ADDRESS.matcher(name);
        if (address.matches()) {
            return address.group(1) + address.group(2);
        }
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    private static JsonNode lookUp(ObjectNode fields, String dotted) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            return fields.get(dotted);
        }
        JsonNode parent = fields.get(dotted.substring(0, dot));
        return parent == null ? null : parent.get(dotted.substring(dot + 1));
    }

    /** One InboundEvent per record id of the event. */
    public static List<InboundEvent> toInbound(ChangeEvent event) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("topic", event.topic());
        payload.put("replayId", event.replayId());
        payload.put("schemaId", event.schemaId());
        ObjectNode header = payload.putObject("ChangeEventHeader");
        header.put("entityName", event.entityName());
        event.recordIds().forEach(header.putArray("recordIds")::add);
        header.put("changeType", event.changeType());
        header.put("changeOrigin", event.changeOrigin());
        header.put("transactionKey", event.transactionKey());
        header.put("sequenceNumber", event.sequenceNumber());
        header.put("commitTimestamp", event.commitTimestamp());
        header.put("commitNumber", event.commitNumber());
        header.put("commitUser", event.commitUser());
        event.changedFields().forEach(header.putArray("changedFields")::add);
        event.nulledFields().forEach(header.putArray("nulledFields")::add);
        event.diffFields().forEach(header.putArray("diffFields")::add);
        payload.set("fields", event.fields());
        String body = write(payload);
        String type = event.entityName() + "." + typeSuffix(event.changeType());
        Instant occurred = Instant.ofEpochMilli(event.commitTimestamp());
        List<InboundEvent> events = new ArrayList<>();
        for (String id : event.recordIds()) {
            events.add(new InboundEvent(SOURCE, event.topic() + ":" + event.replayId() + ":" + id, type,
                    event.entityName(), id, "", occurred, body));
        }
        return events;
    }

    static String typeSuffix(String changeType) {
        return switch (changeType) {
            case "CREATE" -> "Created";
            case "UPDATE" -> "Updated";
            case "DELETE" -> "Deleted";
            case "UNDELETE" -> "Undeleted";
            default -> changeType;
        };
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A JSON tree always serialises", e);
        }
    }

    /** For the lease and health: a recovery reads from at most the retention window back. */
    static final Duration RETENTION = Duration.ofHours(72);
}
