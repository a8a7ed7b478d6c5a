package dev.tandem.core.echo;

import dev.tandem.core.spi.WriteFingerprints;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Architecture invariant 3, "no echo loops": recognises Tandem's own writes when a source system reports them back
 * as changes, for either direction (Salesforce change events after Tandem wrote to Salesforce, Clarity webhooks or
 * polls after Tandem wrote to Clarity).
 *
 * <p>A change is an echo when <em>both</em> hold:
 * <ol>
 *   <li>it was made by Tandem's identity: its origin client is one of Tandem's client ids, or its actor is one of
 *       Tandem's integration users; and</li>
 *   <li>every value it reports equals what Tandem last wrote to that record (the per-record
 *       {@link WriteFingerprint}, unexpired).</li>
 * </ol>
 * Anything else is processed: a human's change, even to the same value; the integration user writing a different
 * value through another app; a change to a field Tandem did not write (a trigger's, say); a change after the
 * fingerprint expired. So the policy can only ever drop Tandem's own, identical write, never a real change.
 *
 * <p>Thread-safe when its store is. No vendor names: callers map their system's fields into {@link ChangeNotice}.
 */
public final class EchoPolicy {

    /** How long a write's fingerprint counts by default: longer than any change feed's delivery delay. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    private final WriteFingerprints fingerprints;
    private final Set<String> ownClients;
    private final Set<String> ownActors;
    private final Duration ttl;
    private final Clock clock;

    /**
     * @param ownClients client ids Tandem sends with its writes (Salesforce: the {@code Sforce-Call-Options} client)
     * @param ownActors  the users Tandem writes as (Salesforce: the integration user's id)
     */
    public EchoPolicy(WriteFingerprints fingerprints, Set<String> ownClients, Set<String> ownActors, Duration ttl,
                      Clock clock) {
        this.fingerprints = Objects.requireNonNull(fingerprints, "fingerprints");
        this.ownClients = Set.copyOf(ownClients);
        this.ownActors = Set.copyOf(ownActors);
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got: " + ttl);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records that Tandem writes {@code values} to the record. Call it <em>before</em> sending the write: the
     * change event can arrive before the write call returns. A write that then fails leaves a fingerprint that
     * only ever matches Tandem's own identical write, and expires. Replaces the record's
     * previous fingerprint, and also keeps the previous fields whose values this write did not touch, so a
     * second partial write does not forget the first.
     */
    public void recordWrite(String system, String entity, String recordId, Map<String, ?> values) {
        Instant now = clock.instant();
        Map<String, String> hashes = new java.util.HashMap<>();
        fingerprints.lastWrite(system, entity, recordId, now).ifPresent(previous ->
                hashes.putAll(previous.fieldHashes()));
        hashes.putAll(FieldValues.hashAll(values));
        fingerprints.remember(new WriteFingerprint(system, entity, recordId, hashes, now, now.plus(ttl)));
    }

    /** One write to fingerprint with {@link #recordWrites}. */
    public record Write(String system, String entity, String recordId, Map<String, ?> values) {
    }

    /**
     * {@link #recordWrite} for several records at once: the previous fingerprints read with one query per (system,
     * entity) and the new ones stored in one batch. A record written twice in the list keeps both writes' fields,
     * the later value winning, as two calls of {@link #recordWrite} would.
     */
    public void recordWrites(List<Write> writes) {
        if (writes.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        Map<List<String>, List<String>> idsByEntity = new LinkedHashMap<>();
        for (Write w : writes) {
            idsByEntity.computeIfAbsent(List.of(w.system(), w.entity()), k -> new ArrayList<>()).add(w.recordId());
        }
        Map<List<String>, Map<String, String>> hashes = new LinkedHashMap<>();
        idsByEntity.forEach((key, ids) -> fingerprints.lastWrites(key.get(0), key.get(1), ids, now).forEach(
                (id, previous) -> hashes.put(List.of(key.get(0), key.get(1), id),
                        new java.util.HashMap<>(previous.fieldHashes()))));
        for (Write w : writes) {
            hashes.computeIfAbsent(List.of(w.system(), w.entity(), w.recordId()), k -> new java.util.HashMap<>())
                    .putAll(FieldValues.hashAll(w.values()));
        }
        List<WriteFingerprint> out = new ArrayList<>(hashes.size());
        hashes.forEach((key, fields) -> out.add(new WriteFingerprint(key.get(0), key.get(1), key.get(2), fields, now,
                now.plus(ttl))));
        fingerprints.rememberAll(out);
    }

    /** Decides whether {@code change} is Tandem's own write coming back. */
    public EchoVerdict judge(ChangeNotice change) {
        if (!byTandem(change)) {
            return EchoVerdict.original("not made by Tandem's client or integration user");
        }
        return compare(change, fingerprints.lastWrite(change.system(), change.entity(), change.recordId(),
                clock.instant()));
    }

    /**
     * {@link #judge} for a batch of changes, verdicts in the same order, looking up the fingerprints of the
     * changes made by Tandem's identity with one query per (system, entity).
     */
    public List<EchoVerdict> judgeAll(List<ChangeNotice> changes) {
        Instant now = clock.instant();
        Map<List<String>, List<String>> idsByEntity = new LinkedHashMap<>();
        for (ChangeNotice change : changes) {
            if (byTandem(change)) {
                idsByEntity.computeIfAbsent(List.of(change.system(), change.entity()), k -> new ArrayList<>())
                        .add(change.recordId());
            }
        }
        Map<List<String>, Map<String, WriteFingerprint>> found = new HashMap<>();
        idsByEntity.forEach((key, ids) -> found.put(key, fingerprints.lastWrites(key.get(0), key.get(1), ids, now)));
        List<EchoVerdict> verdicts = new ArrayList<>(changes.size());
        for (ChangeNotice change : changes) {
            if (!byTandem(change)) {
                verdicts.add(EchoVerdict.original("not made by Tandem's client or integration user"));
            } else {
                verdicts.add(compare(change, Optional.ofNullable(found.get(List.of(change.system(),
                        change.entity())).get(change.recordId()))));
            }
        }
        return byExternalKey(changes, verdicts, now);
    }

    /**
     * The record id under which a write to a record whose id is not known yet (a create by upsert) is fingerprinted:
     * its external key. A create's change event reports the key field's value, so the echo is recognised even when
     * the event arrives before the write call has returned the new id.
     */
    /**
     * The value to record for a reference Tandem writes to a record created in the same write (e.g. a new
     * Contact's AccountId): its id is not known until the write returns, so the fingerprint of the create accepts
     * whatever id the change reports there. Only fingerprints stored under {@link #keyRecordId} carry it.
     */
    public static final String ANY_REFERENCE = "\u0000tandem:any-reference";
    private static final String ANY_REFERENCE_HASH = FieldValues.hash(ANY_REFERENCE);

    public static String keyRecordId(String keyField, String key) {
        return "key:" + keyField + "=" + key;
    }

    /** Tandem's changes with no fingerprint by id: look for one under the external key any of their text values may be. */
    private List<EchoVerdict> byExternalKey(List<ChangeNotice> changes, List<EchoVerdict> verdicts, Instant now) {
        Map<List<String>, List<String>> candidates = new LinkedHashMap<>();
        for (int i = 0; i < changes.size(); i++) {
            if (verdicts.get(i).awaiting()) {
                ChangeNotice c = changes.get(i);
                c.values().forEach((field, value) -> {
                    if (value instanceof String text && !text.isBlank()) {
                        candidates.computeIfAbsent(List.of(c.system(), c.entity()), k -> new ArrayList<>())
                                .add(keyRecordId(field, text));
                    }
                });
            }
        }
        if (candidates.isEmpty()) {
            return verdicts;
        }
        Map<List<String>, Map<String, WriteFingerprint>> found = new HashMap<>();
        candidates.forEach((key, ids) -> found.put(key, fingerprints.lastWrites(key.get(0), key.get(1), ids, now)));
        List<EchoVerdict> out = new ArrayList<>(verdicts);
        for (int i = 0; i < changes.size(); i++) {
            if (!verdicts.get(i).awaiting()) {
                continue;
            }
            ChangeNotice c = changes.get(i);
            Map<String, WriteFingerprint> byKey = found.getOrDefault(List.of(c.system(), c.entity()), Map.of());
            for (Map.Entry<String, ?> field : c.values().entrySet()) {
                if (field.getValue() instanceof String text) {
                    WriteFingerprint written = byKey.get(keyRecordId(field.getKey(), text));
                    if (written != null) {
                        out.set(i, compare(c, Optional.of(written)));
                        break;
                    }
                }
            }
        }
        return out;
    }

    private boolean byTandem(ChangeNotice change) {
        boolean byClient = !change.originClient().isEmpty() && ownClients.contains(change.originClient());
        boolean byActor = !change.actor().isEmpty() && ownActors.contains(change.actor());
        return byClient || byActor;
    }

    private EchoVerdict compare(ChangeNotice change, Optional<WriteFingerprint> written) {
        boolean byClient = !change.originClient().isEmpty() && ownClients.contains(change.originClient());
        if (written.isEmpty()) {
            return EchoVerdict.awaitingFingerprint("made by Tandem's identity but no unexpired write of Tandem's to this record");
        }
        Map<String, String> hashes = written.get().fieldHashes();
        for (Map.Entry<String, ?> field : change.values().entrySet()) {
            String hash = hashes.get(field.getKey());
            if (hash == null) {
                return EchoVerdict.original("field " + field.getKey() + " changed but Tandem did not write it");
            }
            if (!hash.equals(ANY_REFERENCE_HASH) && !hash.equals(FieldValues.hash(field.getValue()))) {
                return EchoVerdict.original("field " + field.getKey() + " differs from what Tandem wrote");
            }
        }
        return EchoVerdict.echo((byClient ? "client " + change.originClient() : "user " + change.actor())
                + ", values equal Tandem's write of " + written.get().writtenAt());
    }

    /** Drops expired fingerprints; returns how many. */
    public int purgeExpired() {
        return fingerprints.purgeExpired(clock.instant());
    }
}
