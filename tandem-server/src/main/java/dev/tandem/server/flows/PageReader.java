package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Clarity reader of a flow's {@code fetch} when a command runs a flow over records it has just read a page of
 * (the backfill's chunks, reconciliation's pages): the page's own records come from the page (no second call, a copy
 * each, so a step cannot change the page); related records (a price, stock rows, an account) are read from Clarity
 * as usual.
 */
public final class PageReader implements RecordReader {

    private final String entity;
    private final RecordReader clarity;
    private volatile Map<String, ObjectNode> current = Map.of();

    /** @param entity the entity of the page's records (e.g. {@code User}, {@code Product}) */
    public PageReader(String entity, RecordReader clarity) {
        this.entity = Objects.requireNonNull(entity, "entity");
        this.clarity = Objects.requireNonNull(clarity, "clarity");
    }

    /** The page the next fetches are served from, by record id. */
    public void use(Map<String, ObjectNode> records) {
        current = records;
    }

    @Override
    public Optional<ObjectNode> fetch(String e, String id) {
        ObjectNode own = e.equals(entity) ? current.get(id) : null;
        return own != null ? Optional.of(own.deepCopy()) : clarity.fetch(e, id);
    }

    @Override
    public Map<String, ObjectNode> fetchAll(String e, Collection<String> ids) {
        if (!e.equals(entity)) {
            return clarity.fetchAll(e, ids);
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String id : ids) {
            ObjectNode own = current.get(id);
            if (own != null) {
                found.put(id, own.deepCopy());
            } else {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            found.putAll(clarity.fetchAll(e, missing));
        }
        return found;
    }
}
