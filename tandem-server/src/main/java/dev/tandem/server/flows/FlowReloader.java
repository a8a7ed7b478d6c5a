package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches {@code flows.dir} and reloads the flows when a file changes (java.nio WatchService). A valid new version
 * of a flow is swapped in for new events; a file that does not load is refused, its problems logged and shown in
 * {@code /api/status}, and the version already running keeps running.
 */
public final class FlowReloader implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FlowReloader.class);

    private final FlowRepository repository;
    private final Consumer<Map<String, FlowSpec>> swap;
    private volatile Map<String, FlowSpec> current;
    private volatile List<FlowProblem> problems;
    private final WatchService watcher;
    private final Thread thread;

    public FlowReloader(FlowRepository repository, FlowRepository.Loaded initial, Consumer<Map<String, FlowSpec>> swap) {
        this.repository = repository;
        this.swap = swap;
        this.current = initial.flows();
        this.problems = initial.problems();
        try {
            this.watcher = FileSystems.getDefault().newWatchService();
            repository.dir().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch flows.dir " + repository.dir() + ": " + e.getMessage(), e);
        }
        this.thread = Thread.ofPlatform().name("tandem-flow-reloader").daemon(true).start(this::watch);
    }

    /** The flows running now (as last loaded), by id. */
    public Map<String, FlowSpec> current() {
        return current;
    }

    public List<FlowProblem> problems() {
        return problems;
    }

    private void watch() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                // Editors write a file in several steps: let them finish, then read the folder once.
                WatchKey more;
                while ((more = watcher.poll(200, TimeUnit.MILLISECONDS)) != null) {
                    more.pollEvents();
                    more.reset();
                }
                key.pollEvents();
                key.reset();
                reload();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Reloads now; also called by the watcher. */
    public synchronized void reload() {
        FlowRepository.Loaded loaded;
        try {
            loaded = repository.load();
        } catch (RuntimeException e) {
            log.error("Reloading the flows failed; the running versions stay", e);
            return;
        }
        Map<String, FlowSpec> next = new LinkedHashMap<>(loaded.flows());
        if (!loaded.problems().isEmpty()) {
            // A refused file may hold the new version of a running flow: the version loaded from that file keeps
            // running (also over a shipped flow of the same id, which the file overrode).
            java.util.Set<String> refused = new java.util.HashSet<>();
            loaded.problems().forEach(p -> refused.add(p.file()));
            current.forEach((id, spec) -> {
                if (refused.contains(spec.file()) || !next.containsKey(id)) {
                    next.put(id, spec);
                }
            });
            loaded.problems().forEach(p -> log.error("Flow file refused, the running version stays: {}", p));
        }
        boolean changed = !next.keySet().equals(current.keySet()) || next.entrySet().stream()
                .anyMatch(e -> !e.getValue().version().equals(current.get(e.getKey()).version())
                        || e.getValue().enabled() != current.get(e.getKey()).enabled());
        problems = loaded.problems();
        if (changed) {
            next.forEach((id, spec) -> {
                FlowSpec old = current.get(id);
                if (old == null || !old.version().equals(spec.version())) {
                    log.info("Flow {} version {} loaded from {}", id, spec.version(), spec.file());
                }
            });
            current = Map.copyOf(next);
            swap.accept(current);
        }
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            // closing
        }
        thread.interrupt();
    }
}
