package dev.tandem.sandbox.clarity.search;

import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.Nameable;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.QueryParams;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Sorts} of {@code BaseSearchModel} (spec §3): a list of {@code {field, dir}} (lower-case JSON names), e.g.
 * {@code Sorts=[{field:UpdatedDate,dir:desc}]}. The sandbox sorts on the base members every entity has; unknown
 * fields are ignored. Without sorts, rows come in ID order, which keeps paging stable.
 */
final class SortOrder {

    private SortOrder() {
    }

    static <T extends CefModel> Comparator<T> from(QueryParams query) {
        Comparator<T> byId = Comparator.comparingInt(CefModel::id);
        Optional<String> raw = query.first("Sorts");
        if (raw.isEmpty()) {
            return byId;
        }
        Object parsed;
        try {
            parsed = JsvParser.parse(raw.get());
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("SerializationException", "Unable to bind 'Sorts': " + e.getMessage());
        }
        List<?> sorts = parsed instanceof List<?> list ? list : List.of(parsed);
        Comparator<T> result = null;
        for (Object sort : sorts) {
            if (!(sort instanceof Map<?, ?> map)) {
                continue;
            }
            Comparator<T> one = comparator(text(map, "field").or(() -> text(map, "serverField")).orElse(""));
            if (one == null) {
                continue;
            }
            if (text(map, "dir").or(() -> text(map, "order")).orElse("asc").toLowerCase(Locale.ROOT).startsWith("desc")) {
                one = one.reversed();
            }
            result = result == null ? one : result.thenComparing(one);
        }
        return result == null ? byId : result.thenComparing(byId);
    }

    private static <T extends CefModel> Comparator<T> comparator(String field) {
        Comparator<Instant> dates = Comparator.nullsFirst(Comparator.naturalOrder());
        Comparator<String> strings = Comparator.nullsFirst(String.CASE_INSENSITIVE_ORDER);
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "id" -> Comparator.comparingInt(CefModel::id);
            case "customkey" -> Comparator.comparing(CefModel::customKey, strings);
            case "createddate" -> Comparator.comparing(CefModel::createdDate, dates);
            case "updateddate" -> Comparator.comparing(CefModel::lastModified, dates);
            case "name" -> Comparator.comparing(row -> row instanceof Nameable n ? n.name() : null, strings);
            default -> null;
        };
    }

    private static Optional<String> text(Map<?, ?> map, String name) {
        return map.entrySet().stream()
                .filter(e -> name.equalsIgnoreCase(String.valueOf(e.getKey())))
                .map(e -> String.valueOf(e.getValue()))
                .findFirst();
    }
}
