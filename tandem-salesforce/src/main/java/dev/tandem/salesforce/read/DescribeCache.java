package dev.tandem.salesforce.read;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Describe results, cached per client (salesforce-api.md §2.6): an object's schema changes only when an admin
 * deploys, while every describe costs an API call against the daily allocation (§5). Call {@link #invalidate}
 * after a deploy (or on an {@code INVALID_FIELD} that suggests the schema moved).
 *
 * <p>Concurrent first calls for one object may both load it; the first answer stored wins. That costs at most a
 * duplicate call, and no lock is held across a network call.
 */
public final class DescribeCache {

    private final Function<String, ObjectNode> describe;
    private final Supplier<ObjectNode> describeGlobal;
    private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
    private final AtomicReference<ObjectNode> global = new AtomicReference<>();

    /**
     * @param describe       loads {@code GET /sobjects/{SObject}/describe}
     * @param describeGlobal loads {@code GET /sobjects}
     */
    public DescribeCache(Function<String, ObjectNode> describe, Supplier<ObjectNode> describeGlobal) {
        this.describe = Objects.requireNonNull(describe, "describe");
        this.describeGlobal = Objects.requireNonNull(describeGlobal, "describeGlobal");
    }

    /** The describe of {@code sobject}; the caller must not modify it (it is shared). */
    public ObjectNode describe(String sobject) {
        ObjectNode cached = objects.get(sobject);
        if (cached != null) {
            return cached;
        }
        ObjectNode loaded = describe.apply(sobject);
        ObjectNode previous = objects.putIfAbsent(sobject, loaded);
        return previous != null ? previous : loaded;
    }

    /** The global describe; the caller must not modify it (it is shared). */
    public ObjectNode describeGlobal() {
        ObjectNode cached = global.get();
        if (cached != null) {
            return cached;
        }
        ObjectNode loaded = describeGlobal.get();
        return global.compareAndSet(null, loaded) ? loaded : global.get();
    }

    /** Forgets one object's describe (and the global describe, which lists it). */
    public void invalidate(String sobject) {
        objects.remove(sobject);
        global.set(null);
    }

    public void invalidateAll() {
        objects.clear();
        global.set(null);
    }
}
