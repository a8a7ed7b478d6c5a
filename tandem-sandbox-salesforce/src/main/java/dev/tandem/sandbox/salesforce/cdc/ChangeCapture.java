package dev.tandem.sandbox.salesforce.cdc;

import dev.tandem.sandbox.salesforce.data.CommitOrigin;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Change Data Capture: turns every committed transaction of the org into change events on the {@link EventBus}
 * (spec §4). Registered as the {@link DataStore}'s commit listener, so every write path (sObject CRUD, upsert,
 * Collections, Composite, Graph, Tree, Bulk 2.0, and the org's own follow-up writes such as roll-ups) is covered.
 *
 * <p>Per transaction: one transactionKey; sequenceNumber from 1 in commit order; one commitNumber; commitTimestamp
 * and commitUser of the call; changeOrigin {@code com/salesforce/api/<api>/<version>;client=<id>}
 * (https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_header.htm,
 * "ChangeEventHeader Fields"). "If in one transaction the same change occurred in multiple records of the same
 * object type during one second, Salesforce merges the change notifications": changes of one object in one
 * transaction with the same change type and the same field values become one event with several recordIds.
 *
 * <p>Bodies (https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_event_fields_body.htm,
 * "Change Event Body Fields"): CREATE and UNDELETE carry every non-null field; UPDATE only the changed fields
 * ("Unchanged fields have an empty value even if they have a value on the record"); DELETE and GAP_* carry no
 * field data. changedFields / nulledFields / diffFields are bitmaps over the Avro field positions
 * (https://developer.salesforce.com/docs/platform/pub-sub-api/guide/event-deserialization-considerations.html,
 * "Event Deserialization Considerations"): element 0 for top-level fields, {@code "<pos>-<hex>"} for the
 * components of the compound field at {@code pos}. A compound field's own bit is not set when only components
 * changed [inferred from the documented example, which lists only {@code BillingAddress.City} style names].
 * diffFields stays empty: the sandbox sends large text whole [inferred].
 */
public final class ChangeCapture implements DataStore.CommitListener {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeCapture.class);

    private final SalesforceSchema schema;
    private final EventBus bus;
    private final Map<String, ChangeEventLayout> layouts = new LinkedHashMap<>();
    private final AtomicLong commitNumber = new AtomicLong(10_716_283_339_728L);
    /** Objects that publish change events (Setup's "Selected Entities"); null = every object. */
    private volatile Set<String> selected;

    public ChangeCapture(SalesforceSchema schema, EventBus bus) {
        this.schema = schema;
        this.bus = bus;
        for (SObjectDefinition def : schema.objects()) {
            layouts.put(def.name(), ChangeEventLayout.of(def));
        }
    }

    public static String topicOf(String entity) {
        return "/data/" + (entity.endsWith("__c") ? entity.substring(0, entity.length() - 1) : entity) + "ChangeEvent";
    }

    /** The object of a {@code /data/<Object>ChangeEvent} topic. */
    public Optional<ChangeEventLayout> layoutForTopic(String topic) {
        return layouts.values().stream().filter(l -> topicOf(l.entity()).equals(topic)).findFirst();
    }

    public Optional<ChangeEventLayout> layoutForSchemaId(String schemaId) {
        return layouts.values().stream().filter(l -> l.schemaId().equals(schemaId)).findFirst();
    }

    public Optional<ChangeEventLayout> layout(String entity) {
        return schema.object(entity).map(def -> layouts.get(def.name()));
    }

    public Collection<ChangeEventLayout> layouts() {
        return layouts.values();
    }

    /** Restricts change events to these objects (canonical names); null or empty list = every object. */
    public void select(Collection<String> entities) {
        if (entities == null) {
            selected = null;
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String entity : entities) {
            names.add(schema.require(entity).name());
        }
        selected = Set.copyOf(names);
    }

    /** The selected objects, in schema order. */
    public List<String> selected() {
        Set<String> current = selected;
        return layouts.keySet().stream().filter(e -> current == null || current.contains(e)).toList();
    }

    public boolean publishes(String entity) {
        Set<String> current = selected;
        return current == null || current.contains(entity);
    }

    @Override
    public void committed(CommitOrigin origin, List<DataStore.Change> changes) {
        try {
            publish(origin, changes);
        } catch (RuntimeException e) {
            // The transaction is committed whatever happens here; a lost event is what a real org reports as a gap.
            LOG.error("Salesforce sandbox could not publish change events of a transaction", e);
        }
    }

    private void publish(CommitOrigin origin, List<DataStore.Change> changes) {
        Map<MergeKey, Pending> events = new LinkedHashMap<>();
        for (DataStore.Change change : changes) {
            ChangeEventLayout layout = layouts.get(change.type());
            if (layout == null || !publishes(change.type())) {
                continue;
            }
            Pending pending = describe(layout, change);
            if (pending == null) {
                continue;
            }
            Pending merged = events.get(pending.key);
            if (merged != null) {
                merged.recordIds.add(change.id());
            } else {
                events.put(pending.key, pending);
            }
        }
        if (events.isEmpty()) {
            return;
        }
        String transactionKey = UUID.randomUUID().toString();
        long number = commitNumber.incrementAndGet();
        int sequence = 0;
        for (Pending pending : events.values()) {
            append(pending.layout, pending.key.type, List.copyOf(pending.recordIds), origin.changeOrigin(),
                    transactionKey, ++sequence, origin.now().toEpochMilli(), number, origin.userId(),
                    pending.key.changed, pending.key.nulled, pending.key.body);
        }
    }

    /**
     * Publishes a header-only gap event (GAP_CREATE/UPDATE/DELETE/UNDELETE or GAP_OVERFLOW): what Salesforce sends
     * when it could not generate the change events of a transaction (spec §4.4). Returns the stored event.
     */
    public EventBus.StoredEvent injectGap(String entity, ChangeType type, List<String> recordIds, String userId,
            long now) {
        if (!type.gap()) {
            throw new IllegalArgumentException("not a gap change type: " + type);
        }
        ChangeEventLayout layout = layout(entity).orElseThrow(() -> new IllegalArgumentException(
                "unknown sObject " + entity));
        return append(layout, type, recordIds, "", UUID.randomUUID().toString(), 1, now,
                commitNumber.incrementAndGet(), userId, List.of(), List.of(), Map.of());
    }

    private EventBus.StoredEvent append(ChangeEventLayout layout, ChangeType type, List<String> recordIds,
            String changeOrigin, String transactionKey, int sequence, long commitTimestamp, long number,
            String user, List<String> changed, List<String> nulled, Map<String, Object> body) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("entityName", layout.entity());
        header.put("recordIds", recordIds);
        header.put("changeType", type.name());
        header.put("changeOrigin", changeOrigin);
        header.put("transactionKey", transactionKey);
        header.put("sequenceNumber", sequence);
        header.put("commitTimestamp", commitTimestamp);
        header.put("commitNumber", number);
        header.put("commitUser", user);
        header.put("nulledFields", nulled);
        header.put("diffFields", List.of());
        header.put("changedFields", changed);
        Map<String, Object> values = new LinkedHashMap<>(body);
        values.put("ChangeEventHeader", header);
        byte[] payload = AvroEvents.encode(AvroEvents.record(layout.schema(), values));
        return bus.append(topicOf(layout.entity()), layout.entity(), true, UUID.randomUUID().toString(),
                layout.schemaId(), payload, null);
    }

    private record MergeKey(String entity, ChangeType type, List<String> changed, List<String> nulled,
            Map<String, Object> body) {
    }

    private static final class Pending {
        final ChangeEventLayout layout;
        final MergeKey key;
        final List<String> recordIds = new ArrayList<>();

        Pending(ChangeEventLayout layout, MergeKey key, String recordId) {
            this.layout = layout;
            this.key = key;
            recordIds.add(recordId);
        }
    }

    private Pending describe(ChangeEventLayout layout, DataStore.Change change) {
        Row before = change.before() == null || change.before().deleted() ? null : change.before();
        Row after = change.after() == null || change.after().deleted() ? null : change.after();
        ChangeType type;
        if (before == null && after == null) {
            return null;
        } else if (before == null) {
            type = change.before() == null ? ChangeType.CREATE : ChangeType.UNDELETE;
        } else if (after == null) {
            type = ChangeType.DELETE;
        } else {
            type = ChangeType.UPDATE;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        BigInteger changedTop = BigInteger.ZERO;
        BigInteger nulledTop = BigInteger.ZERO;
        Map<Integer, BigInteger> changedParts = new TreeMap<>();
        Map<Integer, BigInteger> nulledParts = new TreeMap<>();
        if (type != ChangeType.DELETE) {
            for (ChangeEventLayout.Slot slot : layout.slots()) {
                if (!slot.compound()) {
                    Object now = after.get(slot.field().name());
                    if (type == ChangeType.UPDATE) {
                        if (same(before.get(slot.field().name()), now)) {
                            continue;
                        }
                        changedTop = changedTop.setBit(slot.position());
                        if (now == null) {
                            nulledTop = nulledTop.setBit(slot.position());
                        }
                    }
                    if (now != null) {
                        body.put(slot.name(), AvroEvents.avroValue(now));
                    }
                    continue;
                }
                Map<String, Object> nested = new LinkedHashMap<>();
                boolean any = false;
                for (ChangeEventLayout.Part part : slot.parts()) {
                    Object now = after.get(part.field().name());
                    if (type == ChangeType.UPDATE) {
                        if (same(before.get(part.field().name()), now)) {
                            continue;
                        }
                        any = true;
                        changedParts.merge(slot.position(), BigInteger.ZERO.setBit(part.position()), BigInteger::or);
                        if (now == null) {
                            nulledParts.merge(slot.position(), BigInteger.ZERO.setBit(part.position()),
                                    BigInteger::or);
                        }
                    }
                    if (now != null) {
                        any = true;
                        nested.put(part.name(), AvroEvents.avroValue(now));
                    }
                }
                if (any) {
                    body.put(slot.name(), nested);
                }
            }
        }
        MergeKey key = new MergeKey(layout.entity(), type, bitmaps(changedTop, changedParts),
                bitmaps(nulledTop, nulledParts), body);
        return new Pending(layout, key, change.id());
    }

    /** {@code ["0x...", "<pos>-0x...", ...]}; empty when no bit is set (spec §4.5 encoding). */
    static List<String> bitmaps(BigInteger top, Map<Integer, BigInteger> parts) {
        if (top.signum() == 0 && parts.isEmpty()) {
            return List.of();
        }
        List<String> result = new ArrayList<>();
        result.add(hex(top));
        parts.forEach((position, bits) -> result.add(position + "-" + hex(bits)));
        return List.copyOf(result);
    }

    /** "0x" + even-length upper-case hex of the bitmap. */
    static String hex(BigInteger bits) {
        String digits = bits.toString(16).toUpperCase(Locale.ROOT);
        return "0x" + (digits.length() % 2 == 1 ? "0" + digits : digits);
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        return Objects.equals(a, b);
    }
}
