package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.flow.model.ValidateStep.Action;
import dev.tandem.core.profile.FieldProfile;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.core.profile.Profiles;
import dev.tandem.core.spi.DeadLetterQueue;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterQuery;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code profile} rule of a validate step: checks each record's fields against the profiles learned from the
 * records this flow synced successfully, and learns from those records once the flow has settled them
 * ({@link #learn}, called by the pipeline with the exchanges that reached the end: written, never failed or skipped).
 * Profiles live in the state store when the pipeline's link store is one ({@link ProfileStore}); else in memory.
 */
public final class ProfileCheck {

    public static final String CODE = "PROFILE_VIOLATION";

    /** One field's departure: {@code text} is {@code path: expected ..., got <value>}. */
    public record Violation(String path, Action action, String actual, String text) {
    }

    private final Map<String, Action> fields;
    private final Action defaultAction;
    private final long minObservations;
    private final ProfileStore fallback = ProfileStore.memory();
    /** What each exchange of the batches in flight had at the check, by its first event's offset: learned if it syncs. */
    private final Map<Long, Map<String, List<JsonNode>>> pending = new ConcurrentHashMap<>();

    public ProfileCheck(Map<String, Action> fields, Action defaultAction, long minObservations) {
        this.fields = fields == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields)); // the file's order: messages list fields as written
        this.defaultAction = defaultAction;
        this.minObservations = minObservations;
    }

    public ProfileStore store(StepContext ctx) {
        return ctx.links() instanceof ProfileStore p ? p : fallback;
    }

    /** The profiles the checks of one batch compare with (read once per batch, so a reset takes effect at once). */
    public Map<String, FieldProfile> profiles(StepContext ctx) {
        return store(ctx).profiles(ctx.flowId());
    }

    /** The violations of {@code x}, at most one per field; remembers its values for {@link #learn}. */
    public List<Violation> check(Exchange x, Map<String, FieldProfile> profiles) {
        JsonNode body = x.body();
        Set<String> paths;
        if (fields != null) {
            paths = fields.keySet();
        } else {
            paths = new LinkedHashSet<>(profiles.keySet());
            Profiles.leaves(body, paths);
        }
        Map<String, List<JsonNode>> observed = new LinkedHashMap<>();
        List<Violation> out = new ArrayList<>();
        for (String path : paths) {
            List<JsonNode> values = Profiles.values(body, path);
            observed.put(path, values);
            FieldProfile p = profiles.get(path);
            if (p == null) {
                continue;
            }
            for (JsonNode v : values) {
                var reason = p.check(v, minObservations);
                if (reason.isPresent()) {
                    String actual = render(v);
                    out.add(new Violation(path, actionOf(path), actual, path + ": " + reason.get() + ", got " + actual));
                    break;
                }
            }
        }
        pending.put(x.first().offset(), observed);
        return out;
    }

    private Action actionOf(String path) {
        return fields == null ? defaultAction : fields.getOrDefault(path, defaultAction);
    }

    /**
     * The violations an operator already released: {@code x} is the retry of a dead letter of this flow held for
     * the same field with the same value (its message names both). An edited value is checked again.
     */
    public Set<Violation> released(Exchange x, List<Violation> held, StepContext ctx) {
        if (held.isEmpty() || !(ctx.links() instanceof DeadLetterQueue dlq)) {
            return Set.of();
        }
        var e = x.first().event();
        List<DeadLetter> retrying = dlq.findDeadLetters(new DeadLetterQuery(Set.of(ctx.flowId()), null, Set.of(CODE),
                null, Set.of(DeadLetter.State.RETRYING), e.entity() + "/" + e.entityId(), null, null, null, 0, 20));
        Set<Violation> out = new LinkedHashSet<>();
        for (Violation v : held) {
            for (DeadLetter d : retrying) {
                // The held message lists its violations as "path: expected ..., got value", joined by "; ".
                String m = d.errorMessage();
                int at = m.startsWith(v.path() + ": ") ? 0 : m.indexOf("; " + v.path() + ": ");
                if (at >= 0) {
                    int got = m.indexOf(", got " + v.actual(), at);
                    int end = got + (", got " + v.actual()).length();
                    if (got >= 0 && (end == m.length() || m.startsWith("; ", end))) {
                        out.add(v);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Learns from the exchanges that synced ({@code synced}: their first events' offsets) and forgets the others of
     * the batch ({@code batch}). One read and one write of the changed fields per batch.
     */
    public void learn(Collection<Long> synced, Collection<Long> batch, StepContext ctx) {
        Map<String, FieldProfile> delta = new TreeMap<>();
        for (Long offset : synced) {
            Map<String, List<JsonNode>> observed = pending.get(offset);
            if (observed != null) {
                observed.forEach((path, values) -> values.forEach(v ->
                        delta.computeIfAbsent(path, k -> new FieldProfile()).learn(v)));
            }
        }
        batch.forEach(pending::remove);
        if (delta.isEmpty()) {
            return;
        }
        ProfileStore store = store(ctx);
        synchronized (this) {
            Map<String, FieldProfile> current = store.profiles(ctx.flowId());
            Map<String, FieldProfile> changed = new TreeMap<>();
            for (Map.Entry<String, FieldProfile> d : delta.entrySet()) {
                FieldProfile p = current.get(d.getKey());
                if (p == null) {
                    if (current.size() + changed.size() >= Profiles.MAX_FIELDS) {
                        continue; // bounded: a record with ever new keys does not grow the store without end
                    }
                    p = new FieldProfile();
                }
                p.merge(d.getValue());
                changed.put(d.getKey(), p);
            }
            store.saveProfiles(ctx.flowId(), changed);
        }
    }

    private static String render(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "(missing)";
        }
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
