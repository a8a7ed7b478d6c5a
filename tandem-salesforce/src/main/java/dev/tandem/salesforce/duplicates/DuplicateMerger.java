package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.client.PathSegments;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.enrich.PricebookEntryResolver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Merges two Salesforce records the way an admin would through the REST API, since REST has no merge call (the
 * SOAP {@code merge()} does the same steps: https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_merge.htm
 * "merge()": "the master record ... related records are reparented ... the other records are deleted"):
 * <ol>
 *   <li>the loser's child records are re-parented to the survivor — for an Account its Contacts, Orders and
 *       Opportunities, for a Contact the Orders that bill or ship to it;</li>
 *   <li>the loser's values are copied into the survivor's empty updateable fields (the survivor's values win);</li>
 *   <li>the Clarity key moves to the survivor when only the loser has one (cleared on the loser first: the key is a
 *       unique external id);</li>
 *   <li>the loser is deleted.</li>
 * </ol>
 * The plan is read with a Collections retrieve of both records and one query per child relationship; it is
 * applied as ONE Composite Graph (all or nothing, salesforce-api.md §2.10), so a refused step (an activated
 * order cannot be re-parented, §3.1) leaves both records as they were. A plan with blockers is not applied.
 */
public final class DuplicateMerger {

    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{15}|[a-zA-Z0-9]{18}");
    private static final int MAX_NODES = 500;

    /** The child relationships re-parented per object (the sandbox and real orgs model these lookups). */
    private static final Map<String, List<String[]>> CHILDREN = Map.of(
            "Account", List.of(new String[]{"Contact", "AccountId"}, new String[]{"Order", "AccountId"},
                    new String[]{"Opportunity", "AccountId"}),
            "Contact", List.of(new String[]{"Order", "BillToContactId"}, new String[]{"Order", "ShipToContactId"}),
            MatchRules.PERSON_ACCOUNT, List.of(new String[]{"Order", "AccountId"},
                    new String[]{"Opportunity", "AccountId"}));
    /**
     * The Clarity keys a person account carries beside its {@code keyField}: the person contact's, under its Account
     * name (spec §3.5: a contact custom field {@code X__c} is {@code X__pc} on the person account). It is a unique
     * external id on the Contact, so it moves like the key: cleared on the loser first.
     */
    private static final List<String> PERSON_KEYS = List.of("Clarity_Contact_Key__pc");
    /** A person account's person contact is merged with its account: the Orders that bill or ship to it move. */
    private static final List<String> PERSON_CONTACT_LOOKUPS = List.of("BillToContactId", "ShipToContactId");

    private final SalesforceRestClient salesforce;

    public DuplicateMerger(SalesforceRestClient salesforce) {
        this.salesforce = salesforce;
    }

    /** Refused input: the caller answers 400 (or 404 for {@link #notFound}). */
    public static final class MergeRefused extends RuntimeException {
        private final boolean notFound;

        MergeRefused(String message, boolean notFound) {
            super(message);
            this.notFound = notFound;
        }

        public boolean notFound() {
            return notFound;
        }
    }

    /** The plan of merging {@code loser} into {@code survivor}; nothing is written. */
    public MergePlan plan(String object, String keyField, String survivor, String loser) {
        if (!CHILDREN.containsKey(object)) {
            throw new MergeRefused("object must be Account or Contact (or PersonAccount in an org with Person Accounts),"
                    + " got: " + object, false);
        }
        boolean person = MatchRules.PERSON_ACCOUNT.equals(object);
        String sobject = person ? "Account" : object;
        PathSegments.apiName(keyField, "field");
        for (String id : List.of(survivor, loser)) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new MergeRefused("a Salesforce id has 15 or 18 letters and digits, got: " + id, false);
            }
        }
        if (survivor.regionMatches(true, 0, loser, 0, 15)) {
            throw new MergeRefused("the survivor and the loser are the same record: " + survivor, false);
        }
        ObjectNode describe = salesforce.describeCache().describe(sobject);
        List<String> updateable = new ArrayList<>();
        boolean orgHasPersonAccounts = false;
        for (JsonNode f : describe.path("fields")) {
            String name = f.path("name").asText();
            orgHasPersonAccounts |= name.equals("IsPersonAccount");
            // A person account's Name is its FirstName and LastName, not a field of its own (spec §3.5).
            if (f.path("updateable").asBoolean(false) && !name.equals(keyField) && !name.equals("Id")
                    && !(person && name.equals("Name"))) {
                updateable.add(name);
            }
        }
        if (person && !orgHasPersonAccounts) {
            throw new MergeRefused("this org has no Person Accounts (Account has no IsPersonAccount field)", false);
        }
        List<String> fields = new ArrayList<>(List.of("Id", keyField));
        if (person) {
            fields.addAll(List.of("IsPersonAccount", "PersonContactId"));
        }
        fields.addAll(updateable);
        List<Optional<ObjectNode>> rows = salesforce.retrieveRecords(sobject, List.of(survivor, loser), fields);
        ObjectNode s = rows.get(0).orElseThrow(() -> new MergeRefused("no " + sobject + " with id " + survivor, true));
        ObjectNode l = rows.get(1).orElseThrow(() -> new MergeRefused("no " + sobject + " with id " + loser, true));
        String survivorId = s.path("Id").asText();
        String loserId = l.path("Id").asText();

        List<String> blockers = new ArrayList<>();
        if (person) {
            // "merge(): Combines up to three records of the same type"; Salesforce merges a person account only with
            // another person account (Salesforce Help, "Merge Duplicate Person Accounts").
            for (ObjectNode r : List.of(s, l)) {
                if (!r.path("IsPersonAccount").asBoolean(false)) {
                    blockers.add("account " + r.path("Id").asText() + " is a business account: a person account is"
                            + " merged only with another person account (merge them with --object Account if both"
                            + " are business accounts)");
                }
            }
            for (String personKey : PERSON_KEYS) {
                String mine = text(s.get(personKey));
                String theirs = text(l.get(personKey));
                if (!mine.isEmpty() && !theirs.isEmpty() && !mine.equals(theirs)) {
                    blockers.add("both person accounts carry a Clarity contact key (" + mine + ", " + theirs + "):"
                            + " they are two Clarity customers; merge them in Clarity first, or clear one key in"
                            + " Salesforce");
                }
            }
        }
        String survivorKey = text(s.get(keyField));
        String loserKey = text(l.get(keyField));
        String movedKey = "";
        if (!loserKey.isEmpty() && !survivorKey.isEmpty() && !loserKey.equals(survivorKey)) {
            blockers.add("both records carry a Clarity key (" + survivorKey + ", " + loserKey + "): they are two"
                    + " Clarity customers; merge them in Clarity first, or clear one key in Salesforce");
        } else if (survivorKey.isEmpty() && !loserKey.isEmpty()) {
            movedKey = loserKey;
            survivorKey = loserKey;
        }
        Map<String, JsonNode> copied = new TreeMap<>();
        for (String f : updateable) {
            JsonNode mine = s.get(f);
            JsonNode theirs = l.get(f);
            if ((mine == null || mine.isNull() || mine.asText().isEmpty()) && theirs != null && theirs.isValueNode()
                    && !theirs.isNull() && !theirs.asText().isEmpty()) {
                copied.put(f, theirs.deepCopy());
            }
        }
        List<MergePlan.Move> moves = new ArrayList<>();
        if (person) {
            String loserContact = text(l.get("PersonContactId"));
            String survivorContact = text(s.get("PersonContactId"));
            if (!loserContact.isEmpty() && !survivorContact.isEmpty()) {
                for (String lookup : PERSON_CONTACT_LOOKUPS) {
                    for (ObjectNode row : salesforce.query("SELECT Id, StatusCode FROM Order WHERE " + lookup + " = "
                            + PricebookEntryResolver.soqlString(loserContact))) {
                        moves.add(new MergePlan.Move("Order", lookup, row.path("Id").asText(), survivorContact));
                        if ("Activated".equalsIgnoreCase(row.path("StatusCode").asText())) {
                            blockers.add("order " + row.path("Id").asText() + " is activated: Salesforce allows only"
                                    + " its Status to change, so it cannot be re-pointed; set it back to Draft first");
                        }
                    }
                }
            }
        }
        for (String[] child : CHILDREN.get(object)) {
            boolean order = child[0].equals("Order");
            for (ObjectNode row : salesforce.query("SELECT Id" + (order ? ", StatusCode" : "") + " FROM " + child[0]
                    + " WHERE " + child[1] + " = " + PricebookEntryResolver.soqlString(loserId))) {
                moves.add(new MergePlan.Move(child[0], child[1], row.path("Id").asText(), survivorId));
                if (order && "Activated".equalsIgnoreCase(row.path("StatusCode").asText())) {
                    blockers.add("order " + row.path("Id").asText() + " is activated: Salesforce allows only its"
                            + " Status to change, so it cannot be re-parented; set it back to Draft first");
                }
            }
        }
        if (moves.size() + 3 > MAX_NODES) {
            blockers.add("the loser has " + moves.size() + " related records, more than one all-or-nothing"
                    + " Composite Graph can move (" + (MAX_NODES - 3) + ")");
        }
        return new MergePlan(object, survivorId, loserId, keyField, moves, copied, movedKey, survivorKey, blockers,
                false);
    }

    /**
     * Carries out a plan made by {@link #plan} in one Composite Graph.
     *
     * @throws MergeRefused with the plan's blockers
     * @throws IntegrationException when Salesforce refuses a step (nothing is changed then)
     */
    public MergePlan apply(MergePlan plan) {
        if (!plan.blockers().isEmpty()) {
            throw new MergeRefused("the merge cannot be applied: " + String.join("; ", plan.blockers()), false);
        }
        boolean person = MatchRules.PERSON_ACCOUNT.equals(plan.object());
        String object = person ? "Account" : PathSegments.apiName(plan.object(), "sObject");
        List<GraphNode> nodes = new ArrayList<>();
        ObjectNode clear = JsonNodeFactory.instance.objectNode();
        if (!plan.movedKey().isEmpty()) {
            clear.putNull(plan.keyField());
        }
        if (person) {
            PERSON_KEYS.stream().filter(plan.copied()::containsKey).forEach(clear::putNull);
        }
        if (!clear.isEmpty()) {
            nodes.add(new GraphNode("PATCH", "sobjects/" + object + "/" + plan.loser(), "clearKey", clear));
        }
        // One node per related record, with every lookup of it that moves (an Order of a person account moves its
        // AccountId and its BillToContactId).
        Map<String, ObjectNode> bodies = new LinkedHashMap<>();
        for (MergePlan.Move move : plan.moves()) {
            String path = "sobjects/" + PathSegments.apiName(move.object(), "sObject") + "/"
                    + PathSegments.encode(move.id());
            bodies.computeIfAbsent(path, k -> JsonNodeFactory.instance.objectNode()).put(move.field(), move.to());
        }
        int n = 0;
        for (Map.Entry<String, ObjectNode> body : bodies.entrySet()) {
            nodes.add(new GraphNode("PATCH", body.getKey(), "move" + (++n), body.getValue()));
        }
        ObjectNode survivor = JsonNodeFactory.instance.objectNode();
        plan.copied().forEach(survivor::set);
        if (!plan.movedKey().isEmpty()) {
            survivor.put(plan.keyField(), plan.movedKey());
        }
        if (!survivor.isEmpty()) {
            nodes.add(new GraphNode("PATCH", "sobjects/" + object + "/" + plan.survivor(), "survivor", survivor));
        }
        nodes.add(new GraphNode("DELETE", "sobjects/" + object + "/" + plan.loser(), "loser", null));
        GraphResult result = salesforce.compositeGraph(List.of(new Graph("merge", nodes))).getFirst();
        if (!result.successful()) {
            ApiError cause = result.cause().orElse(new ApiError("UNKNOWN_ERROR",
                    "Salesforce rolled the merge back without saying why", List.of(), false));
            throw IntegrationException.permanentFailure("salesforce", cause.errorCode(), "Salesforce refused the"
                    + " merge of " + plan.loser() + " into " + plan.survivor() + " and changed nothing: "
                    + cause.message(), 400);
        }
        return plan.asApplied();
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** For tests and the API: the relationships re-parented for an object. */
    public static Map<String, List<String>> children() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        CHILDREN.forEach((k, v) -> out.put(k, v.stream().map(c -> c[0] + "." + c[1]).toList()));
        return out;
    }
}
