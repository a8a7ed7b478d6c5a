package dev.tandem.sandbox.clarity.search;

import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.Nameable;
import dev.tandem.sandbox.clarity.wire.QueryParams;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * The {@code BaseSearchModel} filters of spec §3 applied to in-memory rows, plus an entity's typed filters
 * (e.g. {@code AccountID} on orders). Parameters are matched case-insensitively as ServiceStack binds them.
 *
 * @param <T> the wire model
 */
public final class EntitySearch<T extends CefModel> {

    /** A typed filter: applies when the named query parameter has values. */
    public record TypedFilter<T>(String parameter, BiPredicate<T, List<String>> test) {
    }

    private final List<TypedFilter<T>> typedFilters;

    public EntitySearch(List<TypedFilter<T>> typedFilters) {
        this.typedFilters = List.copyOf(typedFilters);
    }

    /** Filters, sorts (spec §3 {@code Sorts}, default ID order) and pages (spec §3 {@code Paging}) the rows. */
    public PagedResults<T> search(List<T> rows, QueryParams query) {
        return Paging.from(query).page(filterAndSort(rows, query));
    }

    /** Filters and sorts without paging: the {@code *ForConnect} and {@code *Digest} lists. */
    public List<T> filterAndSort(List<T> rows, QueryParams query) {
        Predicate<T> filter = filter(query);
        List<T> result = new ArrayList<>();
        for (T row : rows) {
            if (filter.test(row)) {
                result.add(row);
            }
        }
        result.sort(SortOrder.from(query));
        return result;
    }

    private Predicate<T> filter(QueryParams q) {
        Predicate<T> p = row -> true;
        Optional<Integer> id = q.integer("ID");
        if (id.isPresent()) {
            p = p.and(row -> row.id() == id.get());
        }
        Set<Integer> ids = new HashSet<>(q.integers("IDs"));
        if (!ids.isEmpty()) {
            p = p.and(row -> ids.contains(row.id()));
        }
        Optional<Integer> excluded = q.integer("ExcludedID");
        if (excluded.isPresent()) {
            p = p.and(row -> row.id() != excluded.get());
        }
        Set<Integer> notIds = new HashSet<>(q.integers("NotIDs"));
        if (!notIds.isEmpty()) {
            p = p.and(row -> !notIds.contains(row.id()));
        }
        Optional<Boolean> active = q.bool("Active");
        if (active.isPresent()) {
            p = p.and(row -> row.active() == active.get());
        }
        Optional<String> key = q.first("CustomKey");
        if (key.isPresent()) {
            boolean strict = q.bool("CustomKeyStrict").orElse(false);
            p = p.and(row -> matches(row.customKey(), key.get(), strict));
        }
        List<String> keys = q.all("CustomKeys");
        if (!keys.isEmpty()) {
            boolean strict = q.bool("CustomKeysStrict").orElse(false);
            p = p.and(row -> keys.stream().anyMatch(k -> matches(row.customKey(), k, strict)));
        }
        Optional<String> idOrKey = q.first("IDOrCustomKey");
        if (idOrKey.isPresent()) {
            p = p.and(row -> String.valueOf(row.id()).equals(idOrKey.get())
                    || idOrKey.get().equalsIgnoreCase(row.customKey()));
        }
        // BaseSearchExtensions.FilterByModifiedSince: UpdatedDate >= x OR CreatedDate >= x (spec §3).
        Optional<Instant> since = q.instant("ModifiedSince");
        if (since.isPresent()) {
            p = p.and(row -> !row.createdDate().isBefore(since.get())
                    || (row.updatedDate() != null && !row.updatedDate().isBefore(since.get())));
        }
        Optional<Instant> min = q.instant("MinUpdatedOrCreatedDate");
        if (min.isPresent()) {
            p = p.and(row -> !row.lastModified().isBefore(min.get()));
        }
        Optional<Instant> max = q.instant("MaxUpdatedOrCreatedDate");
        if (max.isPresent()) {
            p = p.and(row -> !row.lastModified().isAfter(max.get()));
        }
        Optional<String> name = q.first("Name");
        if (name.isPresent()) {
            boolean strict = q.bool("NameStrict").orElse(false);
            // Only NameableBaseSearchModel has Name; other entities ignore it as ServiceStack ignores unknown params.
            p = p.and(row -> !(row instanceof Nameable n) || matches(n.name(), name.get(), strict));
        }
        for (TypedFilter<T> typed : typedFilters) {
            List<String> values = q.all(typed.parameter());
            if (!values.isEmpty()) {
                p = p.and(row -> typed.test().test(row, values));
            }
        }
        return p;
    }

    /** Non-strict key and name filters are case-insensitive "contains" (spec §3). */
    private static boolean matches(String actual, String wanted, boolean strict) {
        if (actual == null) {
            return false;
        }
        return strict ? actual.equalsIgnoreCase(wanted)
                : actual.toLowerCase(Locale.ROOT).contains(wanted.toLowerCase(Locale.ROOT));
    }
}
