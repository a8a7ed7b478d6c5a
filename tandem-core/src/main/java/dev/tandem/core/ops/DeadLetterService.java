package dev.tandem.core.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.RecordEdit;
import dev.tandem.core.flow.step.Transform;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetter.State;
import dev.tandem.core.state.DeadLetterQuery;
import dev.tandem.core.state.PendingRetry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What operators do with dead letters and pending retries (issue 9): retry as-is, from the start, or edited;
 * resolve and ignore with a reason; the same in bulk by filter with a dry-run count first; run a pending retry now
 * or cancel it. Every change goes through the store's dead-letter history (who, when, why). A retry is a retry row
 * due now: the runtime runs it like any other retry, in key order, and settles it — success resolves the dead
 * letter, failure opens it again with one more occurrence.
 */
public final class DeadLetterService {

    /** Bulk actions touch at most this many dead letters per call (a filter can be narrowed and the call repeated). */
    public static final int MAX_BULK = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<State> RETRYABLE = EnumSet.of(State.OPEN, State.IGNORED, State.RESOLVED);
    private static final Set<State> SETTLEABLE = EnumSet.of(State.OPEN, State.RETRYING);

    /** How a dead letter is retried. */
    public enum RetryMode {
        /** Send the request that failed again (when the failure came after the mapping), else run the flow again. */
        AS_IS,
        /** Fetch the record again and run the latest version of the flow on it; a kept edit is dropped. */
        FROM_START,
        /** Run the flow with the edit kept with the dead letter. */
        EDITED
    }

    /** Checks an operator's edit against the dead letter's flow before it is kept or sent. */
    @FunctionalInterface
    public interface EditValidator {
        /** Problems in words (empty when fine), and what the flow would send with the edit (null when unknown). */
        Validation validate(DeadLetter deadLetter, RecordEdit edit);
    }

    public record Validation(List<String> problems, JsonNode preview) {
        public Validation {
            problems = List.copyOf(problems);
        }

        public static Validation ok(JsonNode preview) {
            return new Validation(List.of(), preview);
        }
    }

    /** The answer to an edit: the validation and, unless a dry run, the dead letter after it. */
    public record EditResult(Validation validation, Optional<DeadLetter> deadLetter) {
    }

    /** A bulk action's result: how many matched, and (unless a dry run) how many changed. */
    /**
     * A bulk action's outcome. {@code upTo}: at a dry run, the newest matching dead letter's id (0 when none match),
     * which the confirmation sends back so that it changes only what the dry run counted; at a real run, the bound
     * it honoured (0: none).
     */
    public record BulkResult(long matched, long changed, boolean dryRun, boolean truncated, long upTo) {
    }

    public enum BulkAction { RETRY, RESOLVE, IGNORE }

    private final StateStore store;
    private final Runnable retriesChanged;
    private final EditValidator validator;
    private final Clock clock;

    public DeadLetterService(StateStore store, Runnable retriesChanged, EditValidator validator, Clock clock) {
        this.store = store;
        this.retriesChanged = retriesChanged;
        this.validator = validator;
        this.clock = clock;
    }

    public DeadLetter get(long id) {
        return store.deadLetter(id).orElseThrow(() -> new DeadLetterException(DeadLetterException.Kind.NOT_FOUND,
                "no dead letter " + id));
    }

    /** Schedules a retry of the dead letter now; it is retrying until the runtime settles it. */
    public DeadLetter retry(long id, RetryMode mode, String actor, String reason) {
        DeadLetter d = get(id);
        if (!RETRYABLE.contains(d.state())) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + id + " is "
                    + d.state().id() + "; it is being retried already (cancel the retry first to change it)");
        }
        String edit = switch (mode) {
            case AS_IS -> d.request() == null ? null : editJson(new RecordEdit(null, readJson(d.request())));
            case FROM_START -> "{}";
            case EDITED -> {
                if (d.edit() == null || d.edit().equals("{}")) {
                    throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + id
                            + " has no edit; edit it first or retry it as-is");
                }
                yield null; // keeps the edit it has
            }
        };
        if (mode == RetryMode.AS_IS && edit == null) {
            edit = "{}"; // failed before the mapping: nothing to resend, run the flow again
        }
        String action = switch (mode) {
            case AS_IS -> "retry";
            case FROM_START -> "retry-from-start";
            case EDITED -> "retry-edited";
        };
        schedule(d, actor, action, reason, edit);
        return get(id);
    }

    private void schedule(DeadLetter d, String actor, String action, String reason, String edit) {
        Instant now = clock.instant();
        if (!store.changeDeadLetter(d.id(), RETRYABLE, State.RETRYING, actor, action, reason(reason, action), edit, now)) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + d.id()
                    + " changed meanwhile; read it again");
        }
        store.scheduleRetry(new PendingRetry(d.eventOffset(), d.flow(), 0, now, "operator " + action + " of dead letter "
                + d.id() + " by " + actor));
        retriesChanged.run();
    }

    /**
     * Checks an edit and, unless {@code dryRun}, keeps it with the dead letter and (with {@code retry}) retries
     * with it. An edit is {@code {"source": {...fields to override...}}} and/or {@code {"request": {write plan}}}.
     */
    public EditResult edit(long id, JsonNode edit, boolean retry, boolean dryRun, String actor, String reason) {
        DeadLetter d = get(id);
        RecordEdit parsed = parseEdit(edit);
        Validation v = validator.validate(d, parsed);
        if (!v.problems().isEmpty() || dryRun) {
            return new EditResult(v, Optional.empty());
        }
        String json = editJson(parsed);
        if (retry) {
            if (!RETRYABLE.contains(d.state())) {
                throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + id + " is being retried");
            }
            schedule(d, actor, "retry-edited", reason, json);
        } else if (!store.changeDeadLetter(id, EnumSet.of(State.OPEN, State.IGNORED), State.OPEN, actor, "edit",
                reason(reason, "edit"), json, clock.instant())) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + id + " is "
                    + d.state().id() + "; only open or ignored dead letters can be edited");
        }
        return new EditResult(v, Optional.of(get(id)));
    }

    /** The structural checks of an edit; the validator checks it against the flow. */
    public static RecordEdit parseEdit(JsonNode edit) {
        if (edit == null || !edit.isObject()) {
            throw invalid("an edit is a JSON object with \"source\" and/or \"request\"");
        }
        List<String> unknown = new ArrayList<>();
        edit.fieldNames().forEachRemaining(f -> {
            if (!f.equals("source") && !f.equals("request")) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw invalid("unknown member(s) " + unknown + " in the edit; it takes \"source\" and \"request\"");
        }
        JsonNode source = edit.get("source");
        JsonNode request = edit.get("request");
        if (source != null && !source.isObject()) {
            throw invalid("\"source\" must be an object of the source fields to override");
        }
        if (request != null) {
            if (!request.isObject()) {
                throw invalid("\"request\" must be a write plan object {\"records\": [...], \"root\": ...}");
            }
            try {
                Transform.plan(request, "edit");
            } catch (MappingException e) {
                throw invalid("\"request\" is not a valid write plan: " + e.getMessage());
            }
        }
        RecordEdit parsed = new RecordEdit(source, request);
        if (parsed.isEmpty()) {
            throw invalid("the edit changes nothing: give \"source\" fields or a \"request\"");
        }
        return parsed;
    }

    public DeadLetter resolve(long id, String actor, String reason) {
        return settle(id, State.RESOLVED, "resolve", actor, reason);
    }

    public DeadLetter ignore(long id, String actor, String reason) {
        return settle(id, State.IGNORED, "ignore", actor, reason);
    }

    private DeadLetter settle(long id, State to, String action, String actor, String reason) {
        DeadLetter d = get(id);
        if (reason == null || reason.isBlank()) {
            throw invalid("give a reason: it is kept in the dead letter's history");
        }
        if (!store.changeDeadLetter(id, SETTLEABLE, to, actor, action, reason.trim(), null, clock.instant())) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "dead letter " + id + " is "
                    + d.state().id() + "; only open or retrying ones can be " + (to == State.RESOLVED ? "resolved" : "ignored"));
        }
        if (d.state() == State.RETRYING) {
            store.removeRetry(d.eventOffset(), d.flow());
        }
        return get(id);
    }

    /**
     * The action on every dead letter matching {@code query} (up to {@link #MAX_BULK}); with {@code dryRun} only
     * the count. Dead letters not in a state the action applies to are counted as matched, not changed.
     */
    public BulkResult bulk(DeadLetterQuery query, BulkAction action, boolean dryRun, String actor, String reason) {
        return bulk(query, action, dryRun, actor, reason, 0);
    }

    /**
     * As {@link #bulk(DeadLetterQuery, BulkAction, boolean, String, String)}, changing only dead letters with an id up
     * to {@code upTo} (when above 0): what a dry run counted, not the ones that began to match after it.
     */
    public BulkResult bulk(DeadLetterQuery query, BulkAction action, boolean dryRun, String actor, String reason,
                           long upTo) {
        if (upTo < 0) {
            throw invalid("upTo must be a dead letter id (1 or more), or absent");
        }
        DeadLetterQuery q = query.states().isEmpty()
                ? query.withStates(action == BulkAction.RETRY ? EnumSet.of(State.OPEN) : SETTLEABLE) : query;
        if (dryRun) {
            // Pages are newest first: the first row is the newest match.
            List<DeadLetter> newest = store.findDeadLetters(q.page(upTo > 0 ? upTo + 1 : 0, 1));
            long newestId = newest.isEmpty() ? 0 : newest.getFirst().id();
            long matched = upTo > 0 ? countUpTo(q, upTo) : store.countDeadLetters(q);
            return new BulkResult(matched, 0, true, matched > MAX_BULK, newestId);
        }
        long matched = upTo > 0 ? countUpTo(q, upTo) : store.countDeadLetters(q);
        if (action != BulkAction.RETRY && (reason == null || reason.isBlank())) {
            throw invalid("give a reason: it is kept in each dead letter's history");
        }
        long changed = 0;
        long seen = 0;
        // The cursor of a page is exclusive (ids below it): start just above the bound.
        long cursor = upTo > 0 ? upTo + 1 : 0;
        while (seen < MAX_BULK) {
            List<DeadLetter> page = store.findDeadLetters(q.page(cursor, DeadLetterQuery.MAX_LIMIT));
            if (page.isEmpty()) {
                break;
            }
            for (DeadLetter d : page) {
                if (++seen > MAX_BULK) {
                    break;
                }
                try {
                    switch (action) {
                        case RETRY -> retry(d.id(), d.edit() != null && !d.edit().equals("{}") ? RetryMode.EDITED
                                : RetryMode.AS_IS, actor, reason);
                        case RESOLVE -> resolve(d.id(), actor, reason);
                        case IGNORE -> ignore(d.id(), actor, reason);
                    }
                    changed++;
                } catch (DeadLetterException e) {
                    // changed meanwhile (resolved by a success, retried by someone else): skip it
                }
            }
            cursor = page.getLast().id();
        }
        return new BulkResult(matched, changed, false, matched > MAX_BULK, upTo);
    }

    /** The matches with an id up to {@code upTo}: counted by paging (at most MAX_BULK + 1 rows are read). */
    private long countUpTo(DeadLetterQuery q, long upTo) {
        long n = 0;
        long cursor = upTo + 1;
        while (n <= MAX_BULK) {
            List<DeadLetter> page = store.findDeadLetters(q.page(cursor, DeadLetterQuery.MAX_LIMIT));
            if (page.isEmpty()) {
                break;
            }
            n += page.size();
            cursor = page.getLast().id();
        }
        return n;
    }

    /** Runs a pending retry at once. */
    public PendingRetry runRetryNow(long offset, String flow, String actor) {
        PendingRetry r = store.pendingRetry(offset, flow).orElseThrow(() -> new DeadLetterException(
                DeadLetterException.Kind.NOT_FOUND, "no pending retry of event " + offset + " in flow " + flow));
        PendingRetry now = new PendingRetry(r.eventOffset(), r.flow(), r.attempts(), clock.instant(),
                r.lastError() + " (run now by " + actor + ")");
        store.scheduleRetry(now);
        retriesChanged.run();
        return now;
    }

    /**
     * Cancels a pending retry. The event is not dropped: a dead letter retrying it goes back to open, and a retry
     * of the runtime's own becomes an open dead letter ("retry cancelled"), so nothing is lost.
     */
    public DeadLetter cancelRetry(long offset, String flow, String actor, String reason) {
        PendingRetry r = store.pendingRetry(offset, flow).orElseThrow(() -> new DeadLetterException(
                DeadLetterException.Kind.NOT_FOUND, "no pending retry of event " + offset + " in flow " + flow));
        Instant now = clock.instant();
        Optional<DeadLetter> retrying = store.findDeadLetters(new DeadLetterQuery(Set.of(flow), null, null, null,
                EnumSet.of(State.RETRYING), null, null, null, null, 0, DeadLetterQuery.MAX_LIMIT)).stream()
                .filter(d -> d.eventOffset() == offset).findFirst();
        long[] id = {0};
        store.inTransaction(() -> {
            store.removeRetry(offset, flow);
            if (retrying.isPresent()) {
                store.changeDeadLetter(retrying.get().id(), EnumSet.of(State.RETRYING), State.OPEN, actor,
                        "retry-cancelled", reason(reason, "retry cancelled"), null, now);
                id[0] = retrying.get().id();
            } else {
                String last = r.lastError() == null ? "" : r.lastError();
                int colon = last.indexOf(':');
                String code = colon > 0 && last.substring(0, colon).matches("[A-Z0-9_]+") ? last.substring(0, colon) : "RETRY_CANCELLED";
                id[0] = store.addDeadLetter(new DeadLetter(0, offset, flow, "", "", "", "", "", code, null,
                        "retry cancelled by " + actor + (reason == null || reason.isBlank() ? "" : " (" + reason.trim() + ")")
                                + "; last error: " + last, 0, List.of(), null, null, List.of(), r.attempts(), 1,
                        State.OPEN, null, null, now, now));
            }
        });
        return get(id[0]);
    }

    private static String reason(String reason, String action) {
        return reason == null || reason.isBlank() ? action : reason.trim();
    }

    private static DeadLetterException invalid(String message) {
        return new DeadLetterException(DeadLetterException.Kind.INVALID, message);
    }

    static String editJson(RecordEdit e) {
        ObjectNode n = JSON.createObjectNode();
        if (e.source() != null && !e.source().isNull()) {
            n.set("source", e.source());
        }
        if (e.request() != null && !e.request().isNull()) {
            n.set("request", e.request());
        }
        return n.toString();
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new DeadLetterException(DeadLetterException.Kind.CONFLICT, "the stored request is not JSON: " + e.getMessage());
        }
    }
}
