package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterQuery;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code GET /api/v1/timeline?key=…} — a record's audit trail in both directions (issue 9, item 4): for a Clarity
 * key or id, a Salesforce id, or an e-mail address, every event that touched the record, newest first, with each
 * flow step's decision (synced, skipped, echo dropped, retried, dead-lettered) and its request/response summary,
 * the links Tandem keeps for it, and its dead letters.
 */
public final class TimelineApi {

    private static final Pattern SALESFORCE_ID = Pattern.compile("[a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final int MAX_EVENTS = 200;

    private final EventLog eventLog;
    private final StateStore store;

    public TimelineApi(EventLog eventLog, StateStore store) {
        this.eventLog = eventLog;
        this.store = store;
    }

    public void register(ApiRoutes routes) {
        routes.get("/timeline", Role.VIEWER, guarded(this::timeline));
    }

    private void timeline(Context ctx) {
        int limit = ApiSupport.limit(ctx, MAX_EVENTS);
        String key = ctx.queryParam("key");
        if (key == null || key.isBlank()) {
            throw badRequest("give the record as ?key= a Clarity key (SO-5001) or id, a Salesforce id, or an e-mail address");
        }
        if (key.length() > 320 || key.chars().anyMatch(Character::isISOControl)) {
            throw badRequest("key is at most 320 characters without control characters");
        }
        json(ctx, timelineOf(key.trim(), limit));
    }

    /** The Clarity key a Salesforce id is linked to, when {@code keyOrId} is one. */
    Optional<String> sourceKeyOf(String keyOrId) {
        if (!SALESFORCE_ID.matcher(keyOrId).matches()) {
            return Optional.empty();
        }
        return store.linksOf(keyOrId).stream().filter(l -> l.targetId().equals(keyOrId))
                .map(IdMap.Link::sourceKey).findFirst();
    }

    ObjectNode timelineOf(String query, int limit) {
        ObjectNode body = JSON.createObjectNode();
        body.put("query", query);
        Set<String> keys = new LinkedHashSet<>();
        keys.add(query);
        sourceKeyOf(query).ifPresent(keys::add);
        List<LoggedEvent> events = new ArrayList<>();
        Map<Long, LoggedEvent> byOffset = new LinkedHashMap<>();
        if (EMAIL.matcher(query).matches()) {
            eventLog.eventsMentioning(query, limit).forEach(e -> byOffset.put(e.offset(), e));
            // The records those events are about, by their keys, so their other events come too.
            byOffset.values().forEach(e -> keys.add(e.event().entityKey().isEmpty() ? e.event().entityId() : e.event().entityKey()));
        }
        // The other side of the record: the Salesforce ids it is linked to (their change events have no Clarity key).
        for (String k : List.copyOf(keys)) {
            for (IdMap.Link l : store.linksOf(k)) {
                if (SALESFORCE_ID.matcher(l.targetId()).matches()) {
                    keys.add(l.targetId());
                }
                keys.add(l.sourceKey());
            }
        }
        for (String k : keys) {
            if (!k.isEmpty()) {
                eventLog.eventsOf(k, limit).forEach(e -> byOffset.put(e.offset(), e));
                // Events about another record that were written into this one (a Clarity user as this Contact).
                for (long offset : store.eventsWriting(k, limit)) {
                    if (!byOffset.containsKey(offset)) {
                        eventLog.get(offset).ifPresent(e -> byOffset.put(e.offset(), e));
                    }
                }
            }
        }
        events.addAll(byOffset.values());
        events.sort((a, b) -> Long.compare(b.offset(), a.offset()));
        if (events.size() > limit) {
            events = events.subList(0, limit);
        }
        ArrayNode links = body.putArray("links");
        Set<String> seenLinks = new LinkedHashSet<>();
        for (String k : keys) {
            for (IdMap.Link l : store.linksOf(k)) {
                if (seenLinks.add(l.objectType() + "/" + l.sourceKey())) {
                    ObjectNode n = links.addObject();
                    n.put("objectType", l.objectType());
                    n.put("sourceKey", l.sourceKey());
                    n.put("targetId", l.targetId());
                }
            }
        }
        Map<Long, List<AuditEntry>> audit = new LinkedHashMap<>();
        for (AuditEntry a : store.auditFor(events.stream().map(LoggedEvent::offset).toList())) {
            audit.computeIfAbsent(a.eventOffset(), o -> new ArrayList<>()).add(a);
        }
        // What each write changed: its fields against the previous write of the same record in the same flow.
        Map<AuditEntry, ObjectNode> changes = new java.util.IdentityHashMap<>();
        Map<String, com.fasterxml.jackson.databind.JsonNode> previous = new LinkedHashMap<>();
        List<LoggedEvent> oldestFirst = new ArrayList<>(events);
        java.util.Collections.reverse(oldestFirst);
        for (LoggedEvent e : oldestFirst) {
            for (AuditEntry a : audit.getOrDefault(e.offset(), List.of())) {
                if (a.written() == null) {
                    continue;
                }
                com.fasterxml.jackson.databind.JsonNode w = DeadLetterApi.parse(a.written());
                ObjectNode diff = JSON.createObjectNode();
                w.properties().forEach(rec -> {
                    String k = a.flow() + "|" + rec.getValue().path("entity").asText() + "|" + rec.getValue().path("key").asText();
                    com.fasterxml.jackson.databind.JsonNode before = previous.get(k);
                    ObjectNode fieldDiff = JSON.createObjectNode();
                    rec.getValue().path("fields").properties().forEach(f -> {
                        com.fasterxml.jackson.databind.JsonNode old = before == null ? null : before.path("fields").get(f.getKey());
                        if (old == null || !old.equals(f.getValue())) {
                            ObjectNode c = fieldDiff.putObject(f.getKey());
                            c.set("from", old);
                            c.set("to", f.getValue());
                        }
                    });
                    ObjectNode r = diff.putObject(rec.getKey());
                    r.put("entity", rec.getValue().path("entity").asText());
                    r.put("key", rec.getValue().path("key").asText());
                    r.put("id", rec.getValue().path("id").asText());
                    r.put("firstWrite", before == null);
                    r.set("changed", fieldDiff);
                    previous.put(k, rec.getValue());
                });
                changes.put(a, diff);
            }
        }
        ArrayNode out = body.putArray("events");
        for (LoggedEvent e : events) {
            ObjectNode n = out.addObject();
            n.put("offset", e.offset());
            n.put("source", e.event().source());
            n.put("type", e.event().type());
            n.put("entity", e.event().entity());
            n.put("entityId", e.event().entityId());
            n.put("entityKey", e.event().entityKey());
            n.put("occurredAt", ApiSupport.time(e.event().occurredAt()));
            n.put("receivedAt", ApiSupport.time(e.receivedAt()));
            ArrayNode steps = n.putArray("steps");
            for (AuditEntry a : audit.getOrDefault(e.offset(), List.of())) {
                ObjectNode s = steps.addObject();
                s.put("at", ApiSupport.time(a.at()));
                s.put("flow", a.flow());
                s.put("flowVersion", a.flowVersion());
                s.put("step", a.step());
                s.put("decision", decision(a));
                s.put("outcome", a.outcome());
                s.put("request", a.requestSummary());
                s.put("status", a.responseStatus());
                s.put("durationMs", a.durationMillis());
                s.put("detail", a.detail());
                if (changes.containsKey(a)) {
                    s.set("written", changes.get(a));
                }
            }
        }
        ArrayNode dls = body.putArray("deadLetters");
        Set<Long> seen = new LinkedHashSet<>();
        for (String k : keys) {
            for (DeadLetter d : store.findDeadLetters(new DeadLetterQuery(null, null, null, null, null, k, null, null,
                    null, 0, 50))) {
                if (seen.add(d.id())) {
                    dls.add(DeadLetterApi.summary(d));
                }
            }
        }
        return body;
    }

    /** The step's decision in the operator's words. */
    static String decision(AuditEntry a) {
        String detail = a.detail() == null ? "" : a.detail().toLowerCase(java.util.Locale.ROOT);
        return switch (a.outcome()) {
            case "OK" -> "settle".equals(a.step()) ? "synced" : "ok";
            case "SKIPPED" -> detail.contains("echo") ? "echo dropped" : detail.contains("already") || detail.contains("unchanged")
                    ? "skipped as unchanged" : "skipped";
            case "RETRY" -> "retrying";
            case "DEAD_LETTER" -> "dead-lettered";
            case "WARNING" -> "warning";
            case "FAILED" -> "failed";
            default -> a.outcome().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
