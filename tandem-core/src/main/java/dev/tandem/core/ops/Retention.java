package dev.tandem.core.ops;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.Redactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How long the record timeline is kept, and the job that purges what is older (issue 9, item 4: "retention
 * configurable (default 30 days) with a purge job"); also the field names masked before anything is audited. In
 * tandem.yaml this is {@code retention.*}. Open and retrying dead letters are never purged: only resolved and ignored
 * ones, once unchanged for {@code deadLetters}.
 *
 * @param audit        how long audit entries (the timeline) are kept
 * @param deadLetters  how long resolved and ignored dead letters are kept
 * @param purgeEvery   how often the purge runs
 * @param redactFields words that make a field sensitive (its value masked in the audit trail and dead letters)
 */
public record Retention(Duration audit, Duration deadLetters, Duration purgeEvery, List<String> redactFields) {

    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> AUDIT = SPEC.define("audit", Type.DURATION, Duration.ofDays(30),
            Validator.positive(), "how long the record timeline (audit entries) is kept");
    private static final ConfigSpec.Key<Duration> DEAD_LETTERS = SPEC.define("deadLetters", Type.DURATION,
            Duration.ofDays(30), Validator.positive(),
            "how long resolved and ignored dead letters are kept (open ones are kept until someone acts)");
    private static final ConfigSpec.Key<Duration> PURGE_EVERY = SPEC.define("purgeEvery", Type.DURATION,
            Duration.ofHours(1), Validator.positive(), "how often the purge runs");
    private static final ConfigSpec.Key<List<String>> REDACT = SPEC.define("redactFields", Type.listOf(Type.STRING),
            Redactor.DEFAULT_WORDS,
            "field names containing one of these words (case-insensitive) are masked as *** in the audit trail and dead letters");

    public static Retention defaults() {
        return new Retention(Duration.ofDays(30), Duration.ofDays(30), Duration.ofHours(1), Redactor.DEFAULT_WORDS);
    }

    public static Retention from(Config c) {
        return new Retention(c.get(AUDIT), c.get(DEAD_LETTERS), c.get(PURGE_EVERY), c.get(REDACT));
    }

    public Redactor redactor() {
        return new Redactor(redactFields);
    }

    /** The purge job on its own thread. */
    public static final class Purge implements AutoCloseable {
        private static final Logger log = LoggerFactory.getLogger(Purge.class);
        private final Retention retention;
        private final StateStore store;
        private final Clock clock;
        private ScheduledExecutorService scheduler;

        public Purge(Retention retention, StateStore store, Clock clock) {
            this.retention = retention;
            this.store = store;
            this.clock = clock;
        }

        public synchronized void start() {
            scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tandem-retention").daemon(true).factory());
            long every = retention.purgeEvery().toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    log.warn("Retention purge failed; trying again in {}", retention.purgeEvery(), e);
                }
            }, Math.min(every, 60_000), every, TimeUnit.MILLISECONDS);
        }

        /** Purges once; returns {audit entries, dead letters} deleted. */
        public int[] runOnce() {
            Instant now = clock.instant();
            int audit = store.purgeAudit(now.minus(retention.audit()));
            int dead = store.purgeSettledDeadLetters(now.minus(retention.deadLetters()));
            if (audit > 0 || dead > 0) {
                log.info("Retention purge: {} audit entries older than {}, {} settled dead letters older than {}",
                        audit, retention.audit(), dead, retention.deadLetters());
            }
            return new int[]{audit, dead};
        }

        @Override
        public synchronized void close() {
            if (scheduler != null) {
                scheduler.shutdownNow();
                scheduler = null;
            }
        }
    }
}
