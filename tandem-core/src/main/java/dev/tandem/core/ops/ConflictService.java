package dev.tandem.core.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.echo.FieldValues;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.sync.Conflict;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;

/**
 * The conflict review queue's operations (issue 10: {@code tandem conflicts list|show|resolve}): resolving a conflict
 * takes one side's current value, or a value the operator types, and writes it to every side that does not hold it,
 * through the same connectors the flows write with (fingerprinted, so the change coming back is recognised as an
 * echo). Both sides' baselines then hold the chosen value, so neither direction mistakes it for a new change; the
 * decision is on the record's timeline.
 */
public final class ConflictService {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SyncStore store;
    private final AuditTrail audit;
    private final Map<String, ConnectorParts> connectors;
    private final Clock clock;

    public ConflictService(SyncStore store, AuditTrail audit, Map<String, ConnectorParts> connectors, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.connectors = Map.copyOf(connectors);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public List<Conflict> list(String state, String flowId, int limit) {
        return store.conflicts(state, flowId, limit);
    }

    public Conflict get(long id) {
        return store.conflict(id).orElseThrow(() ->
                new DeadLetterException(DeadLetterException.Kind.NOT_FOUND, "no conflict " + id));
    }

    /**
     * What a resolution did.
     *
     * @param conflict the conflict, resolved
     * @param value    the value now on both sides
     * @param written  the systems it was written to (none when both already held it)
     */
    public record Resolution(Conflict conflict, JsonNode value, List<String> written) {
    }

    /**
     * Resolves an open conflict.
     *
     * @param take  a side's system name (its current value wins) or {@code value}
     * @param value the value when {@code take} is {@code value} (JSON; a string for text)
     * @param by    who resolves it (a token's name)
     */
    public Resolution resolve(long id, String take, JsonNode value, String by) {
        Conflict c = get(id);
        if (!c.open()) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "conflict " + id + " is already "
                    + c.state().toLowerCase(java.util.Locale.ROOT) + " (" + c.resolution() + " by " + c.resolvedBy() + ")");
        }
        String chosenBy = take == null ? "" : take.trim();
        List<String> choices = List.of(c.source().system(), c.target().system(), "value");
        if (!choices.contains(chosenBy)) {
            throw new DeadLetterException(DeadLetterException.Kind.INVALID, "take must be one of " + choices
                    + ", got '" + chosenBy + "'");
        }
        if (chosenBy.equals("value") && (value == null || value.isMissingNode())) {
            throw new DeadLetterException(DeadLetterException.Kind.INVALID,
                    "take value needs the value to write, e.g. {\"take\": \"value\", \"value\": \"+4930123456\"}");
        }
        if (chosenBy.equals("value") && (value.isObject() || value.isArray())) {
            throw new DeadLetterException(DeadLetterException.Kind.INVALID,
                    "the value is one field's: text, a number, true/false or null, not an object or array");
        }
        // The flows' locks of both records (ADR 0018): neither direction decides on this field while its value is
        // read, written and made the baseline of both sides.
        List<String> addresses = new ArrayList<>();
        for (Conflict.Side side : List.of(c.source(), c.target())) {
            if (!side.recordId().isEmpty()) {
                addresses.add(dev.tandem.core.sync.RecordLocks.address(side.system(), side.entity(), side.recordId()));
            }
        }
        dev.tandem.core.sync.RecordLocks.Held held;
        try {
            held = store.recordLocks().lock(addresses, System.nanoTime());
        } catch (IllegalStateException busy) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, busy.getMessage() + "; try again");
        }
        try (held) {
            return resolve(c, chosenBy, value, by, held);
        }
    }

    private Resolution resolve(Conflict c, String chosenBy, JsonNode value, String by,
                               dev.tandem.core.sync.RecordLocks.Held held) {
        long id = c.id();
        if (!store.conflict(id).map(Conflict::open).orElse(false)) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "conflict " + id + " was resolved meanwhile");
        }
        Map<Conflict.Side, JsonNode> current = new LinkedHashMap<>();
        for (Conflict.Side side : List.of(c.source(), c.target())) {
            current.put(side, read(side));
        }
        JsonNode chosen = chosenBy.equals("value") ? value
                : current.get(chosenBy.equals(c.source().system()) ? c.source() : c.target());
        List<String> written = new ArrayList<>();
        for (Conflict.Side side : List.of(c.source(), c.target())) {
            if (!FieldValues.hash(plain(current.get(side))).equals(FieldValues.hash(plain(chosen)))) {
                write(c, side, chosen);
                written.add(side.system());
                if (!side.recordId().isEmpty()) {
                    held.changed(dev.tandem.core.sync.RecordLocks.address(side.system(), side.entity(), side.recordId()));
                }
            }
        }
        Instant now = clock.instant();
        for (Conflict.Side side : List.of(c.source(), c.target())) {
            if (!side.recordId().isEmpty()) {
                store.saveBaseline(side.system(), side.entity(), side.recordId(),
                        Map.of(side.field(), FieldValues.hash(plain(chosen))), now);
            }
        }
        String resolution = chosenBy.equals("value") ? "value" : "take " + chosenBy;
        if (!store.resolveConflict(id, resolution, by, now)) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "conflict " + id + " was resolved meanwhile");
        }
        String detail = "conflict #" + id + " on " + c.target().entity() + "." + c.target().field() + " ⇄ "
                + c.source().entity() + "." + c.source().field() + " resolved by " + by + ": " + resolution
                + (written.isEmpty() ? " (both sides already held it)" : " → written to " + String.join(" and ", written));
        audit.audit(new AuditEntry(c.eventOffset(), c.flowId(), "review", "conflict", "resolve conflict #" + id, 200, 0,
                "OK", detail, now, null));
        return new Resolution(get(id), chosen, List.copyOf(written));
    }

    private JsonNode read(Conflict.Side side) {
        ConnectorParts parts = parts(side.system());
        var reader = parts.reader().orElseThrow(() -> new DeadLetterException(DeadLetterException.Kind.INVALID,
                "Tandem cannot read " + side.system()));
        try {
            return reader.fetch(side.entity(), side.recordId())
                    .map(record -> dev.tandem.core.sync.Reconciler.at(record, side.field()))
                    .orElseThrow(() -> new DeadLetterException(DeadLetterException.Kind.CONFLICT, side.system() + " "
                            + side.entity() + " " + side.recordId() + " no longer exists: resolve it there first"));
        } catch (IntegrationException e) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "cannot read " + side.system() + " "
                    + side.entity() + " " + side.recordId() + " now: " + e.getMessage() + " (nothing was written)");
        }
    }

    private void write(Conflict c, Conflict.Side side, JsonNode value) {
        ConnectorParts parts = parts(side.system());
        var writer = parts.writer().orElseThrow(() -> new DeadLetterException(DeadLetterException.Kind.INVALID,
                "Tandem cannot write to " + side.system()));
        ObjectNode fields = JSON.createObjectNode();
        // A nested field (Address.City) is written as its object, holding that member alone.
        String[] path = side.field().split("\\.");
        ObjectNode parent = fields;
        for (int i = 0; i < path.length - 1; i++) {
            parent = parent.putObject(path[i]);
        }
        parent.set(path[path.length - 1], value);
        Map<String, Object> fingerprint = new LinkedHashMap<>();
        fingerprint.put(side.keyField(), side.key());
        fingerprint.put(side.field(), plain(value));
        parts.echo().get().ifPresent(p -> p.recordWrite(side.system(), side.entity(), side.recordId(), fingerprint));
        WriteGroup group = new WriteGroup("conflict-" + c.id() + "-" + side.system(),
                List.of(new RecordWrite("record", side.entity(), side.keyField(), side.key(), fields)), "record");
        WriteOutcome outcome;
        try {
            var pending = writer.write(group);
            writer.flush();
            outcome = pending.join();
        } catch (CompletionException | IntegrationException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "writing " + side.field() + " to "
                    + side.system() + " failed: " + cause.getMessage() + " (the conflict stays open)");
        }
        if (outcome instanceof WriteOutcome.Rejected r) {
            throw new DeadLetterException(DeadLetterException.Kind.INVALID, side.system() + " refused " + side.entity()
                    + "." + side.field() + ": " + r.error().errorCode() + ": " + r.error().message()
                    + " (the conflict stays open)");
        }
    }

    private ConnectorParts parts(String system) {
        ConnectorParts p = connectors.get(system);
        if (p == null) {
            throw new DeadLetterException(DeadLetterException.Kind.INVALID, "no connector for system " + system);
        }
        return p;
    }

    private static Object plain(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        return n.isTextual() ? n.textValue() : n.toString();
    }
}
