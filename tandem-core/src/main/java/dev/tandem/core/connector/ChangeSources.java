package dev.tandem.core.connector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The change sources of a deployment, started, reported and closed as one: what the server holds instead of wiring
 * each poller, webhook and subscription by hand.
 *
 * <p>A source whose {@link ChangeSource#start} throws does not stop the others: it is logged, closed, and reported
 * {@code FAILED} with the error until Tandem is restarted. Closing closes every source once, in reverse start order,
 * and goes on when one of them throws.
 */
public final class ChangeSources implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeSources.class);

    private final List<ChangeSource> sources;
    private final Map<String, String> startFailures = new ConcurrentHashMap<>();
    private boolean started;
    private boolean closed;

    /** @throws IllegalArgumentException when two sources share a name, or two webhook sources a path */
    public ChangeSources(List<? extends ChangeSource> sources) {
        this.sources = List.copyOf(sources);
        Set<String> names = new HashSet<>();
        Set<String> paths = new HashSet<>();
        for (ChangeSource source : this.sources) {
            if (!names.add(source.name())) {
                throw new IllegalArgumentException("two change sources are named " + source.name());
            }
            if (source instanceof WebhookSource webhook && !paths.add(webhook.path())) {
                throw new IllegalArgumentException("two webhook sources listen on " + webhook.path());
            }
        }
    }

    public List<ChangeSource> all() {
        return sources;
    }

    /** The sources the HTTP listener feeds. */
    public List<WebhookSource> webhooks() {
        return sources.stream().filter(WebhookSource.class::isInstance).map(WebhookSource.class::cast).toList();
    }

    /**
     * Starts every source, in order, with the ingest.
     *
     * @throws IllegalStateException when already started or closed
     */
    public synchronized void start(Ingest ingest) {
        if (started || closed) {
            throw new IllegalStateException(closed ? "the change sources are closed" : "the change sources were already started");
        }
        started = true;
        for (ChangeSource source : sources) {
            try {
                source.start(ingest);
                LOG.info("Change source {} started", source.name());
            } catch (RuntimeException e) {
                String reason = e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                startFailures.put(source.name(), reason);
                LOG.error("Change source {} failed to start; it ingests nothing until Tandem restarts", source.name(), e);
                closeQuietly(source);
            }
        }
    }

    /** Each source's health by name, in order; a source that failed to start is {@code FAILED} with the reason. */
    public Map<String, SourceHealth> health() {
        Map<String, SourceHealth> health = new LinkedHashMap<>();
        for (ChangeSource source : sources) {
            String failure = startFailures.get(source.name());
            if (failure != null) {
                health.put(source.name(), SourceHealth.failed(failure));
                continue;
            }
            try {
                health.put(source.name(), source.health());
            } catch (RuntimeException e) {
                health.put(source.name(), SourceHealth.degraded("health unavailable: " + e));
            }
        }
        return health;
    }

    /** Whether every source started (none is {@code FAILED}). */
    public boolean allStarted() {
        return startFailures.isEmpty();
    }

    /** Closes every source once, last started first. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ChangeSource> reversed = new ArrayList<>(sources);
        java.util.Collections.reverse(reversed);
        reversed.forEach(ChangeSources::closeQuietly);
    }

    private static void closeQuietly(ChangeSource source) {
        try {
            source.close();
        } catch (RuntimeException e) {
            LOG.warn("Closing change source {} failed", source.name(), e);
        }
    }
}
