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
 * A record already linked in Tandem's id map, or already carrying its key in Salesforce, is not matched.
 *
 * <p>A person account (an Account of the plan with a {@code LastName}: {@code salesforce.personAccounts} made it
 * one, spec §3.5) is matched by the {@value MatchRules#PERSON_ACCOUNT} rules ({@code PersonEmail}, or person name
 * and {@code PersonMailingPostalCode}) against the org's person accounts ({@code FROM Account WHERE IsPersonAccount
 * = true}).
 *
 * <p>Cost: the look-ups of a batch are as few SOQL queries as the URI limit allows — one per object while the
 * conditions fit, each measured by its exact URL-encoded length against {@link SalesforceApi#MAX_URI_BYTES} less a
 * margin — and these queries go up to five in one {@code POST /composite} ({@link SalesforceApi#queries}): one API
 * call for a batch of a few hundred new customers, none at all once every record is linked. A rule of several
 * fields is queried as a superset ({@code Clarity_Contact_Key__c = null AND FirstName IN (..) AND LastName IN (..) AND
 * MailingPostalCode IN (..)}: a keyed record is another customer, no candidate by name),
 * and the rows are matched record by record in Java as before: every row an exact term would find is among them,
 * so the decisions are the same, and each record costs its values once rather than a term of its own.
 */
public final class DuplicateMatchEnricher implements Enricher {

    public static final String NAME = "salesforce.match";
    /** The error code of a customer flagged for review (its error class is {@code duplicate}). */
    public static final String CANDIDATES = "DUPLICATE_CANDIDATES";
    /** The error code of a record whose match values alone do not fit in one query's URI. */
    public static final String TOO_LONG = "MATCH_VALUES_TOO_LONG";

    /**
     * What one query's request URI may take: the documented 16,384 bytes less room for the rest of the request line
     * and, since the limit also holds for the URI and the headers together ("431 The combined length of the URI and
     * headers exceeds the 16,384-byte limit", §2.2), for the headers (token, call options).
     */
    static final int QUERY_URI_BUDGET = SalesforceApi.MAX_URI_BYTES - 2_048;

    private final SalesforceApi salesforce;
    private final IdMap links;
    private final MatchRules rules;
    private final java.util.function.Function<String, ObjectNode> describe;
    private volatile Boolean personContacts;

    /** An enricher for an org without Person Accounts (no describe is read). */
    public DuplicateMatchEnricher(SalesforceApi salesforce, IdMap links, MatchRules rules) {
        this(salesforce, links, rules, object -> null);
    }

    /**
     * @param describe the sObject describe ({@code GET /sobjects/Contact/describe}, e.g. the REST client's cache):
     *                 where Contact has {@code IsPersonAccount} (an org with Person Accounts) a person contact that
     *                 matches a business Contact is flagged, not linked — it is written only through its account
     *                 (spec §3.5)
     */
    public DuplicateMatchEnricher(SalesforceApi salesforce, IdMap links, MatchRules rules,
                                  java.util.function.Function<String, ObjectNode> describe) {
        this.salesforce = salesforce;
        this.links = links;
        this.rules = rules;
        this.describe = describe;
    }

    /** The error code of rules naming fields the org does not have: a configuration fault, retried once fixed. */
    public static final String RULES_INVALID = "MATCH_RULES_INVALID";

    private final Map<String, Optional<String>> ruleProblems = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What is wrong with the rules of {@code rulesOf} in this org: fields the object's describe does not list
     * (a {@code salesforce.match} entry naming a field that does not exist, or that the integration user cannot see).
     * Empty when they are fine or when no describe is given; read once per object.
     */
    private Optional<String> ruleProblem(String rulesOf, String sobject) {
        return ruleProblems.computeIfAbsent(rulesOf, k -> {
            ObjectNode d = describe.apply(sobject);
            if (d == null) {
                return Optional.empty();
            }
            Set<String> known = new java.util.HashSet<>();
            d.path("fields").forEach(f -> known.add(f.path("name").asText()));
            List<String> missing = rules.fields(rulesOf).stream().filter(f -> !known.contains(f)).toList();
            return missing.isEmpty() ? Optional.empty() : Optional.of("the duplicate-match rules of " + rulesOf
                    + " (salesforce.match." + rulesOf + " in tandem.yaml) name " + String.join(", ", missing)
                    + ", which " + sobject + " does not have in this org (or the integration user cannot see)."
                    + " Correct tandem.yaml and restart Tandem: this customer is retried, not lost.");
        });
    }

    /** Whether the org's Contacts can be person contacts (Contact has IsPersonAccount); read once. */
    private boolean personContacts() {
        Boolean known = personContacts;
        if (known == null) {
            ObjectNode d = describe.apply("Contact");
            boolean found = false;
            if (d != null) {
                for (var f : d.path("fields")) {
                    found |= "IsPersonAccount".equals(f.path("name").asText());
                }
            }
            personContacts = known = found;
        }
        return known;
    }

    /** One record to look for: where it is in the batch, and the rules it is matched by. */
    private record Wanted(int group, int index, RecordWrite record, String rulesOf) {
    }

    @Override
    public List<Result> enrich(List<WriteGroup> groups) {
        Map<String, List<Wanted>> byObject = new LinkedHashMap<>();
        for (int g = 0; g < groups.size(); g++) {
            List<RecordWrite> records = groups.get(g).records();
            for (int i = 0; i < records.size(); i++) {
                RecordWrite r = records.get(i);
                String rulesOf = rulesOf(r);
                if (rules.rules(rulesOf).isEmpty() || r.fields().hasNonNull("Id")
                        || links.targetId(r.entity(), r.key()).isPresent()) {
                    continue;
                }
                byObject.computeIfAbsent(rulesOf + "/" + r.keyField(), k -> new ArrayList<>())
                        .add(new Wanted(g, i, r, rulesOf));
            }
        }
        Map<Integer, ApiError> flagged = new LinkedHashMap<>();
        List<List<Wanted>> chunks = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (List<Wanted> wanted : byObject.values()) {
            Wanted head = wanted.getFirst();
            Optional<String> problem = ruleProblem(head.rulesOf(), head.record().entity());
            if (problem.isPresent()) {
                // A configuration fault, not the customer's: retryable, so nothing is dead-lettered straight away.
                wanted.forEach(w -> flagged.putIfAbsent(w.group(), new ApiError(RULES_INVALID, problem.get(),
                        List.copyOf(rules.fields(w.rulesOf())), true)));
                continue;
            }
            for (List<Wanted> chunk : chunks(wanted, flagged)) {
                chunks.add(chunk);
                queries.add(soql(chunk));
            }
        }
        List<List<ObjectNode>> results = queries.isEmpty() ? List.of() : salesforce.queries(queries);
        Map<Integer, Map<Integer, String>> linkedIds = new LinkedHashMap<>();
        for (int c = 0; c < chunks.size(); c++) {
            List<ObjectNode> rows = results.get(c);
            for (Wanted w : chunks.get(c)) {
                decide(w, rows).ifPresent(decision -> {
                    switch (decision) {
                        case Decision.Link link -> linkedIds.computeIfAbsent(w.group(), k -> new LinkedHashMap<>())
                                .put(w.index(), link.id());
                        case Decision.Flag flag -> flagged.putIfAbsent(w.group(), flag.error());
                    }
                });
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
     * The rules a record is matched by: its object's, or for an Account that is a person account (it has a
     * {@code LastName}, which only person accounts have; spec §3.5) the {@value MatchRules#PERSON_ACCOUNT} rules.
     */
    private String rulesOf(RecordWrite r) {
        if ("Account".equals(r.entity()) && (value(r, "LastName").isPresent()
                || r.fields().path("IsPersonAccount").asBoolean(false))) {
            return MatchRules.PERSON_ACCOUNT;
        }
        return r.entity();
    }

    /**
     * The look-ups cut into as few queries as fit: a record joins the current query while the query's request URI,
     * measured exactly ({@link SalesforceApi#queryUriBytes}), stays within {@link #QUERY_URI_BUDGET}. (SOQL's own
     * limit, 100,000 characters a statement — "SOQL and SOSL Limits for Search Queries",
     * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm
     * — is far above.) A record whose values alone do not fit is flagged with {@value #TOO_LONG}: its values are
     * longer than Salesforce's fields hold (Email and LastName take 80 characters), so it could not be written
     * either.
     */
    private List<List<Wanted>> chunks(List<Wanted> wanted, Map<Integer, ApiError> flagged) {
        // A query's URI only grows as records join it (each adds its values, or nothing when they are there
        // already), so the longest prefix that fits is found by galloping then bisecting: O(n log n) measurements
        // of the query text rather than one per record added, which was quadratic in the records per query.
        List<List<Wanted>> out = new ArrayList<>();
        int from = 0;
        while (from < wanted.size()) {
            int fit = longestFit(wanted, from);
            if (fit == 0) {
                RecordWrite r = wanted.get(from).record();
                Wanted w = wanted.get(from);
                flagged.putIfAbsent(w.group(), new ApiError(TOO_LONG, r.entity() + " " + r.key() + " was not written:"
                        + " its values for the duplicate check (" + String.join(", ", rules.fields(w.rulesOf()))
                        + ") are too long for one Salesforce query; Salesforce's fields are far shorter (Email and"
                        + " LastName hold 80 characters). Correct the customer in Clarity.",
                        List.copyOf(rules.fields(w.rulesOf())), false));
                from++;
                continue;
            }
            out.add(new ArrayList<>(wanted.subList(from, from + fit)));
            from += fit;
        }
        return out;
    }

    /** How many records from {@code from} on fit in one query (0 when not even the first does). */
    private int longestFit(List<Wanted> wanted, int from) {
        int left = wanted.size() - from;
        if (!fits(wanted, from, 1)) {
            return 0;
        }
        int good = 1;
        int step = 1;
        while (good < left) {
            int next = Math.min(left, good + step);
            if (!fits(wanted, from, next)) {
                // the answer is in [good, next)
                int bad = next;
                while (bad - good > 1) {
                    int mid = (good + bad) >>> 1;
                    if (fits(wanted, from, mid)) {
                        good = mid;
                    } else {
                        bad = mid;
                    }
                }
                return good;
            }
            good = next;
            step *= 2;
        }
        return good;
    }

    private boolean fits(List<Wanted> wanted, int from, int count) {
        return salesforce.queryUriBytes(soql(wanted.subList(from, from + count))) <= QUERY_URI_BUDGET;
    }

    /** The query for the Salesforce records that carry one of the chunk's keys or may match one of its records. */
    private String soql(List<Wanted> chunk) {
        Wanted head = chunk.getFirst();
        boolean person = MatchRules.PERSON_ACCOUNT.equals(head.rulesOf());
        String object = PathSegments.apiName(head.record().entity(), "sObject");
        String keyField = PathSegments.apiName(head.record().keyField(), "field");
        List<String> fields = rules.fields(head.rulesOf());
        fields.forEach(f -> PathSegments.apiName(f, "field"));
        List<String> conditions = new ArrayList<>();
        conditions.add(keyField + " IN (" + chunk.stream().map(w -> soql(w.record().key())).distinct()
                .collect(Collectors.joining(", ")) + ")");
        for (List<String> rule : rules.rules(head.rulesOf())) {
            List<String> parts = new ArrayList<>();
            for (String field : rule) {
                Set<String> values = new LinkedHashSet<>();
                for (Wanted w : chunk) {
                    // only records with every value of the rule: a rule needs all its fields
                    if (rule.stream().allMatch(f -> value(w.record(), f).isPresent())) {
                        values.add(value(w.record(), field).orElseThrow());
                    }
                }
                if (values.isEmpty()) {
                    break;
                }
                parts.add(field + " IN (" + values.stream().map(DuplicateMatchEnricher::soql)
                        .collect(Collectors.joining(", ")) + ")");
            }
            if (parts.size() == rule.size()) {
                // A rule of several fields (name + postal code) matches only records without a Clarity key (a keyed
                // one is another customer, see decide): said in the query, so it does not return the org's many
                // keyed namesakes, page after page, once the store is loaded.
                conditions.add(parts.size() == 1 ? parts.getFirst()
                        : "(" + keyField + " = null AND " + String.join(" AND ", parts) + ")");
            }
        }
        Set<String> select = new LinkedHashSet<>(List.of("Id", keyField));
        select.addAll(fields);
        if ("Contact".equals(object) && personContacts()) {
            select.add("IsPersonAccount");
        }
        return "SELECT " + String.join(", ", select) + " FROM " + object + " WHERE "
                + (person ? "IsPersonAccount = true AND (" + String.join(" OR ", conditions) + ")"
                        : String.join(" OR ", conditions));
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
            for (List<String> rule : rules.rules(w.rulesOf())) {
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
        boolean personContact = matches.size() == 1 && matches.getFirst().path("IsPersonAccount").asBoolean(false);
        if (matches.size() == 1 && !personContact && matches.getFirst().path(r.keyField()).asText("").isBlank()) {
            return Optional.of(new Decision.Link(matches.getFirst().path("Id").asText()));
        }
        if (personContact) {
            ObjectNode m = matches.getFirst();
            return Optional.of(new Decision.Flag(new ApiError(CANDIDATES, r.entity() + " " + r.key() + " was not"
                    + " written: it matches the Salesforce Contact " + m.path("Id").asText() + " by "
                    + String.join(" / ", matchedBy) + ", which is the person contact of a person account; a person"
                    + " contact is written only through its account and cannot belong to a business account. If it is"
                    + " the same customer, make it one kind in Clarity (a consumer or a business contact), then retry"
                    + " this dead letter.", List.copyOf(rules.fields(w.rulesOf())), false)));
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
                + ". Tandem creates no duplicate and picks none by itself. " + advice, List.copyOf(rules.fields(w.rulesOf())),
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
