package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.client.PathSegments;
import dev.tandem.salesforce.enrich.PricebookEntryResolver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code salesforce.match}: the duplicate check on the way in (issue 10, item 5). Before a Contact or Account is
 * upserted by its Clarity key, Tandem looks for a Salesforce record that is the same customer but was created
 * without the key (by a sales rep, an import, a broken integration):
 * <ul>
 *   <li>no match: the record is written as planned (created);</li>
 *   <li>one match without a Clarity key: the record is <em>linked</em> — written to that record by its id, with the
 *       Clarity key set on it ({@code "Id"} in the fields, which {@link dev.tandem.salesforce.write.SalesforceRecordWriter}
 *       writes as an upsert by Id), so no duplicate is created and later syncs find it by the key;</li>
 *   <li>several matches, or one that carries another Clarity key: the customer is flagged for review — the group
 *       fails with {@code DUPLICATE_CANDIDATES} (error class {@code duplicate}) naming the candidates, and nothing
 *       is written.</li>
 * </ul>
 * A record already linked in Tandem's id map, or already carrying its key in Salesforce, is not matched. The
 * look-ups of a batch cost one SOQL query per object and 100 records (key IN (...) OR the rules' values), and none
 * at all once every record is linked.
 */
public final class DuplicateMatchEnricher implements Enricher {

    public static final String NAME = "salesforce.match";
    /** The error code of a customer flagged for review (its error class is {@code duplicate}). */
    public static final String CANDIDATES = "DUPLICATE_CANDIDATES";

    private static final int CHUNK = 100;

    private final SalesforceApi salesforce;
    private final IdMap links;
    private final MatchRules rules;

    public DuplicateMatchEnricher(SalesforceApi salesforce, IdMap links, MatchRules rules) {
        this.salesforce = salesforce;
        this.links = links;
        this.rules = rules;
    }

    /** One record to look for: where it is in the batch. */
    private record Wanted(int group, int index, RecordWrite record) {
    }

    @Override
    public List<Result> enrich(List<WriteGroup> groups) {
        Map<String, List<Wanted>> byObject = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            List<RecordWrite> records = groups.get(g).records();
            for (int i = 0; i < records.size(); i++) {
                RecordWrite r = records.get(i);
                if (rules.rules(r.entity()).isEmpty() || r.fields().hasNonNull("Id")
                        || links.targetId(r.entity(), r.key()).isPresent()) {
                    continue;
                }
                byObject.computeIfAbsent(r.entity() + "/" + r.keyField(), k -> new ArrayList<>())
                        .add(new Wanted(g, i, r));
            }
        }
        Map<Integer, Map<Integer, String>> linkedIds = new LinkedHashMap<>();
        Map<Integer, ApiError> flagged = new LinkedHashMap<>();
        for (List<Wanted> wanted : byObject.values()) {
            for (List<Wanted> chunk : chunks(wanted)) {
                List<ObjectNode> rows = candidates(chunk);
                for (Wanted w : chunk) {
                    decide(w, rows).ifPresent(decision -> {
                        switch (decision) {
                            case Decision.Link link -> linkedIds.computeIfAbsent(w.group(), k -> new LinkedHashMap<>())
                                    .put(w.index(), link.id());
                            case Decision.Flag flag -> flagged.putIfAbsent(w.group(), flag.error());
                        }
                    });
                }
            }
        }
        List<Result> out = new ArrayList<>(groups.size());
        for (int g = 0; g < groups.size(); g++) {
            WriteGroup group = groups.get(g);
            if (flagged.containsKey(g)) {
                out.add(new Result.Failed(flagged.get(g)));
                continue;
            }
            Map<Integer, String> ids = linkedIds.getOrDefault(g, Map.of());
            if (ids.isEmpty()) {
                out.add(new Result.Enriched(group));
                continue;
            }
            List<RecordWrite> records = new ArrayList<>(group.records());
            ids.forEach((i, id) -> {
                RecordWrite r = records.get(i);
                ObjectNode fields = r.fields().deepCopy();
                fields.put("Id", id);
                records.set(i, r.withFields(fields));
            });
            out.add(new Result.Enriched(group.withRecords(records)));
        }
        return out;
    }

    /**
     * The look-ups cut into queries of at most {@value #CHUNK} records whose SOQL stays short enough for a GET:
     * a query travels in the URI, which Salesforce refuses with 414 URI Too Long beyond 16,384 bytes ("SOQL and SOSL
     * Limits for Search Queries", https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm)
     * and web servers often at 8 KiB. Each record's share is estimated from its values, URL-encoded at worst three
     * bytes a character.
     */
    private List<List<Wanted>> chunks(List<Wanted> wanted) {
        List<List<Wanted>> out = new ArrayList<>();
        List<Wanted> current = new ArrayList<>();
        int size = 0;
        for (Wanted w : wanted) {
            int share = 3 * (w.record().key().length() + 40);
            for (List<String> rule : rules.rules(w.record().entity())) {
                for (String field : rule) {
                    share += 3 * (field.length() + value(w.record(), field).map(String::length).orElse(0) + 12);
                }
            }
            if (!current.isEmpty() && (current.size() == CHUNK || size + share > MAX_QUERY_BYTES)) {
                out.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(w);
            size += share;
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** What a query's conditions may take of the URI, leaving room for the select list and the host. */
    private static final int MAX_QUERY_BYTES = 6_000;

    /** The Salesforce records of one object that carry one of the chunk's keys or match one of its records. */
    private List<ObjectNode> candidates(List<Wanted> chunk) {
        RecordWrite first = chunk.getFirst().record();
        String object = PathSegments.apiName(first.entity(), "sObject");
        String keyField = PathSegments.apiName(first.keyField(), "field");
        List<String> fields = rules.fields(object);
        fields.forEach(f -> PathSegments.apiName(f, "field"));
        List<String> conditions = new ArrayList<>();
        conditions.add(keyField + " IN (" + chunk.stream().map(w -> soql(w.record().key())).distinct()
                .collect(Collectors.joining(", ")) + ")");
        for (List<String> rule : rules.rules(object)) {
            if (rule.size() == 1) {
                Set<String> values = new LinkedHashSet<>();
                chunk.forEach(w -> value(w.record(), rule.getFirst()).ifPresent(values::add));
                if (!values.isEmpty()) {
                    conditions.add(rule.getFirst() + " IN (" + values.stream().map(DuplicateMatchEnricher::soql)
                            .collect(Collectors.joining(", ")) + ")");
                }
                continue;
            }
            Set<String> combos = new LinkedHashSet<>();
            for (Wanted w : chunk) {
                List<String> parts = new ArrayList<>();
                for (String field : rule) {
                    value(w.record(), field).ifPresent(v -> parts.add(field + " = " + soql(v)));
                }
                if (parts.size() == rule.size()) {
                    combos.add("(" + String.join(" AND ", parts) + ")");
                }
            }
            conditions.addAll(combos);
        }
        Set<String> select = new LinkedHashSet<>(List.of("Id", keyField));
        select.addAll(fields);
        return salesforce.query("SELECT " + String.join(", ", select) + " FROM " + object + " WHERE "
                + String.join(" OR ", conditions));
    }

    private sealed interface Decision {
        record Link(String id) implements Decision {
        }

        record Flag(ApiError error) implements Decision {
        }
    }

    private Optional<Decision> decide(Wanted w, List<ObjectNode> rows) {
        RecordWrite r = w.record();
        if (rows.stream().anyMatch(row -> r.key().equalsIgnoreCase(row.path(r.keyField()).asText("")))) {
            return Optional.empty();
        }
        List<ObjectNode> matches = new ArrayList<>();
        List<String> matchedBy = new ArrayList<>();
        for (ObjectNode row : rows) {
            boolean ownedElsewhere = !row.path(r.keyField()).asText("").isBlank();
            for (List<String> rule : rules.rules(r.entity())) {
                if (ownedElsewhere && rule.size() > 1) {
                    // A record another Clarity customer owns, alike only by name and postal code: two people of the
                    // same name in one postal code are two customers in Clarity, not a duplicate. (The same e-mail
                    // is still flagged: that is two Clarity records of one person, for the scan to find.)
                    continue;
                }
                Optional<String> mine = MatchRules.key(rule, f -> value(r, f).orElse(null));
                Optional<String> theirs = MatchRules.key(rule, f -> row.path(f).isValueNode() && !row.path(f).isNull()
                        ? row.path(f).asText() : null);
                if (mine.isPresent() && mine.equals(theirs)) {
                    matches.add(row);
                    String by = String.join(" + ", rule);
                    if (!matchedBy.contains(by)) {
                        matchedBy.add(by);
                    }
                    break;
                }
            }
        }
        if (matches.isEmpty()) {
            return Optional.empty();
        }
        if (matches.size() == 1 && matches.getFirst().path(r.keyField()).asText("").isBlank()) {
            return Optional.of(new Decision.Link(matches.getFirst().path("Id").asText()));
        }
        String list = matches.stream().map(m -> {
            String otherKey = m.path(r.keyField()).asText("");
            return m.path("Id").asText() + (otherKey.isBlank() ? "" : " (" + r.keyField() + " " + otherKey + ")");
        }).collect(Collectors.joining(", "));
        String advice = matches.size() > 1
                ? "Merge them (tandem duplicates merge --object " + r.entity() + " --survivor ID --loser ID --apply)"
                        + " or set " + r.keyField() + " = " + r.key() + " on the right one in Salesforce, then retry"
                        + " this dead letter."
                : "That record belongs to another Clarity " + r.entity().toLowerCase(java.util.Locale.ROOT)
                        + ": the two Clarity records are probably duplicates (tandem duplicates scan --object "
                        + r.entity() + "); fix them in Clarity, or clear the key in Salesforce, then retry this dead"
                        + " letter.";
        return Optional.of(new Decision.Flag(new ApiError(CANDIDATES, r.entity() + " " + r.key() + " was not written:"
                + " it matches " + matches.size() + " existing Salesforce " + r.entity() + " record"
                + (matches.size() > 1 ? "s" : "") + " by " + String.join(" / ", matchedBy) + ": " + list
                + ". Tandem creates no duplicate and picks none by itself. " + advice, List.copyOf(rules.fields(r.entity())),
                false)));
    }

    private static Optional<String> value(RecordWrite r, String field) {
        var v = r.fields().get(field);
        if (v == null || !v.isValueNode() || v.isNull() || v.asText().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(v.asText().trim());
    }

    private static String soql(String value) {
        return PricebookEntryResolver.soqlString(value);
    }
}
