package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.client.PathSegments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the duplicates already in a system: records that share a match key under one of the {@link MatchRules}
 * (for Salesforce: the same normalised e-mail, or the same name and postal code). Records tied by any rule, also
 * through a third record, form one {@link DuplicateSet}. One paged SOQL query reads the object (Salesforce's query
 * pages are 2,000 records; salesforce-api.md §2.5).
 */
public final class DuplicateScanner {

    private final SalesforceApi salesforce;
    private final MatchRules rules;

    public DuplicateScanner(SalesforceApi salesforce, MatchRules rules) {
        this.salesforce = salesforce;
        this.rules = rules;
    }

    /**
     * The Salesforce duplicates of {@code object} ({@code Contact}, {@code Account} or
     * {@value MatchRules#PERSON_ACCOUNT}: the Accounts with {@code IsPersonAccount = true}, by their own rules),
     * keyed by {@code keyField}.
     */
    public List<DuplicateSet> scanSalesforce(String object, String keyField) {
        PathSegments.apiName(object, "sObject");
        PathSegments.apiName(keyField, "field");
        boolean person = MatchRules.PERSON_ACCOUNT.equals(object);
        Set<String> select = new LinkedHashSet<>(List.of("Id", "Name", keyField, "CreatedDate"));
        select.addAll(rules.fields(object));
        List<ObjectNode> rows = salesforce.query("SELECT " + String.join(", ", select) + " FROM "
                + (person ? "Account WHERE IsPersonAccount = true" : object) + " ORDER BY CreatedDate, Id");
        List<Map<String, String>> records = new ArrayList<>();
        for (ObjectNode row : rows) {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("id", row.path("Id").asText());
            r.put("key", text(row.get(keyField)));
            r.put("name", text(row.get("Name")));
            for (String f : rules.fields(object)) {
                r.put(f, text(row.get(f)));
            }
            records.add(r);
        }
        return group("salesforce", object, rules.rules(object), records, r -> f -> r.get(f));
    }

    /**
     * Groups records that share a match key under any rule (a union of the ties: A~B by e-mail and B~C by name make
     * one set A, B, C). {@code values} gives a record's value of a rule field. Sets of one are dropped.
     */
    public static List<DuplicateSet> group(String system, String object, List<List<String>> rules,
            List<Map<String, String>> records, Function<Map<String, String>, Function<String, String>> values) {
        int[] parent = new int[records.size()];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = i;
        }
        Map<Integer, List<String>> matchedBy = new LinkedHashMap<>();
        Map<Integer, String> firstValue = new LinkedHashMap<>();
        for (List<String> rule : rules) {
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (int i = 0; i < records.size(); i++) {
                Optional<String> key = MatchRules.key(rule, values.apply(records.get(i)));
                if (key.isEmpty()) {
                    continue;
                }
                Integer first = seen.putIfAbsent(key.get(), i);
                if (first != null) {
                    union(parent, first, i);
                    String by = String.join(" + ", rule);
                    List<String> list = matchedBy.computeIfAbsent(first, k -> new ArrayList<>());
                    if (!list.contains(by)) {
                        list.add(by);
                    }
                    firstValue.putIfAbsent(first, key.get().replace('\u001f', ' '));
                }
            }
        }
        Map<Integer, List<Integer>> sets = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            sets.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(i);
        }
        List<DuplicateSet> out = new ArrayList<>();
        for (List<Integer> members : sets.values()) {
            if (members.size() < 2) {
                continue;
            }
            List<String> by = new ArrayList<>();
            String value = null;
            for (int m : members) {
                for (String b : matchedBy.getOrDefault(m, List.of())) {
                    if (!by.contains(b)) {
                        by.add(b);
                    }
                }
                if (value == null) {
                    value = firstValue.get(m);
                }
            }
            out.add(new DuplicateSet(system, object, by, value == null ? "" : value,
                    members.stream().map(records::get).toList()));
        }
        return out;
    }

    private static int find(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() || !v.isValueNode() ? "" : v.asText();
    }
}
