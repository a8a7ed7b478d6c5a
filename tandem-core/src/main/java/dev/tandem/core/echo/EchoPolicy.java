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
        return verdicts;
    }

    /**
     * {@link #judgeAll} that gives Tandem's own changes without a fingerprint up to {@code grace} to get one: a record
     * Tandem creates is fingerprinted once the write returns its id, which can be after its change event arrived.
     * Only changes made by Tandem's identity wait; a person's change is judged at once.
     */
    public List<EchoVerdict> judgeAll(List<ChangeNotice> changes, Duration grace) {
        List<EchoVerdict> verdicts = new ArrayList<>(judgeAll(changes));
        long deadline = System.nanoTime() + grace.toNanos();
        while (verdicts.stream().anyMatch(EchoVerdict::awaiting) && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(25).toNanos());
            List<Integer> waiting = new ArrayList<>();
            for (int i = 0; i < verdicts.size(); i++) {
                if (verdicts.get(i).awaiting()) {
                    waiting.add(i);
                }
            }
            List<EchoVerdict> again = judgeAll(waiting.stream().map(changes::get).toList());
            for (int k = 0; k < waiting.size(); k++) {
                verdicts.set(waiting.get(k), again.get(k));
            }
        }
        return verdicts;
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
            if (!hash.equals(FieldValues.hash(field.getValue()))) {
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
