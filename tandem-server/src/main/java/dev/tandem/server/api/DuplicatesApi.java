package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.salesforce.duplicates.DuplicateMerger;
import dev.tandem.salesforce.duplicates.DuplicateScanner;
import dev.tandem.salesforce.duplicates.DuplicateSet;
import dev.tandem.salesforce.duplicates.MatchRules;
import dev.tandem.salesforce.duplicates.MergePlan;
import dev.tandem.server.http.Problem;
import io.javalin.http.Context;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code /api/v1/duplicates} (issue 10, item 5): {@code GET} scans for records that look like the same customer —
 * in Salesforce by the match rules (same normalised e-mail, or name + postal code), in Clarity contacts and users
 * with the same normalised e-mail, read through the Clarity connector — and {@code POST /duplicates/merge} merges
 * two Salesforce records as an admin would (a dry run unless {@code "apply": true}). An applied merge moves
 * Tandem's link of the Clarity key to the survivor, so later syncs write to it, and is recorded on the timeline of
 * both records. Viewers scan; operators merge.
 */
public final class DuplicatesApi {

    /** The Clarity key field of each object Tandem matches (the keys the shipped flows upsert by). */
    static final Map<String, String> KEY_FIELDS = Map.of("Account", "Clarity_Account_Key__c",
            "Contact", "Clarity_Contact_Key__c",
            // a person account (spec §3.5) is written by its account's key (salesforce.personAccounts)
            "PersonAccount", "Clarity_Account_Key__c");
    private static final Set<String> SYSTEMS = Set.of("salesforce", "clarity", "both");
    private static final int CLARITY_PAGE = 500;

    private final DuplicateScanner scanner;
    private final DuplicateMerger merger;
    private final ClarityRestClient clarity;
    private final StateStore store;
    private final EventLog eventLog;
    private final Clock clock;

    public DuplicatesApi(DuplicateScanner scanner, DuplicateMerger merger, ClarityRestClient clarity, StateStore store,
                         EventLog eventLog, Clock clock) {
        this.scanner = scanner;
        this.merger = merger;
        this.clarity = clarity;
        this.store = store;
        this.eventLog = eventLog;
        this.clock = clock;
    }

    public void register(ApiRoutes routes) {
        routes.get("/duplicates", Role.VIEWER, guarded(ctx -> upstream(ctx, () -> scan(ctx))));
        routes.post("/duplicates/merge", Role.OPERATOR, guarded(ctx -> upstream(ctx, () -> merge(ctx))));
    }

    private static String object(String value) {
        if (value == null || value.isBlank()) {
            throw badRequest("give the object: Account or Contact (or PersonAccount in an org with Person Accounts)");
        }
        if (!KEY_FIELDS.containsKey(value)) {
            throw badRequest("object must be Account or Contact (or PersonAccount in an org with Person Accounts), got '"
                    + ApiSupport.clip(value) + "'");
        }
        return value;
    }

    private void scan(Context ctx) {
        String system = ctx.queryParamAsClass("system", String.class).getOrDefault("both");
        if (!SYSTEMS.contains(system)) {
            throw badRequest("system must be salesforce, clarity or both, got '" + ApiSupport.clip(system) + "'");
        }
        String object = object(ctx.queryParam("object"));
        List<DuplicateSet> sets = new ArrayList<>();
        if (!system.equals("clarity")) {
            sets.addAll(scanner.scanSalesforce(object, KEY_FIELDS.get(object)));
        }
        if (!system.equals("salesforce") && object.equals("Contact")) {
            sets.addAll(scanClarity(ClarityEntity.CONTACT, "Email1",
                    row -> (row.path("FirstName").asText("") + " " + row.path("LastName").asText("")).trim()));
            sets.addAll(scanClarity(ClarityEntity.USER, "Email", row -> row.path("UserName").asText("")));
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("object", object);
        body.put("system", system);
        ObjectNode counts = body.putObject("counts");
        ArrayNode out = body.putArray("sets");
        for (DuplicateSet s : sets) {
            counts.put(s.system(), counts.path(s.system()).asInt(0) + 1);
            out.add(JSON.valueToTree(s));
        }
        json(ctx, body);
    }

    /** Clarity records of one entity with the same normalised e-mail (CEF has no duplicate rules of its own). */
    private List<DuplicateSet> scanClarity(ClarityEntity entity, String emailField,
                                           Function<ObjectNode, String> name) {
        List<Map<String, String>> records = new ArrayList<>();
        clarity.stream(entity, ListQuery.all(), CLARITY_PAGE).forEach(row -> {
            Map<String, String> r = new LinkedHashMap<>();
            r.put("id", row.path("ID").asText());
            r.put("key", row.path("CustomKey").asText(""));
            r.put("name", name.apply(row));
            r.put("Email", row.path(emailField).asText(""));
            records.add(r);
        });
        return DuplicateScanner.group("clarity", entity.entityName(), List.of(List.of("Email")), records,
                r -> r::get);
    }

    private void merge(Context ctx) {
        ObjectNode request = ApiSupport.body(ctx);
        String object = object(ApiSupport.text(request, "object"));
        String survivor = ApiSupport.text(request, "survivor");
        String loser = ApiSupport.text(request, "loser");
        if (survivor == null || loser == null) {
            throw badRequest("give \"survivor\" and \"loser\": the Salesforce ids of the record that stays and of the"
                    + " one merged into it");
        }
        boolean apply = ApiSupport.bool(request, "apply", false);
        MergePlan plan;
        try {
            plan = merger.plan(object, KEY_FIELDS.get(object), survivor.trim(), loser.trim());
            if (apply) {
                if (!plan.blockers().isEmpty()) {
                    throw ProblemException.conflict("the merge cannot be applied: " + String.join("; ", plan.blockers()));
                }
                plan = merger.apply(plan);
                recorded(plan);
            }
        } catch (DuplicateMerger.MergeRefused e) {
            throw e.notFound() ? ApiSupport.notFound(e.getMessage()) : badRequest(e.getMessage());
        }
        ObjectNode body = JSON.valueToTree(plan);
        body.put("dryRun", !apply);
        json(ctx, body);
    }

    /**
     * After an applied merge: the Clarity key's link points at the survivor, and the merge is an event of each record
     * (source {@code tandem}) with an audit entry, so both timelines show it.
     */
    private void recorded(MergePlan plan) {
        // Tandem links a person account as the Account it is written as.
        String linked = plan.object().equals("PersonAccount") ? "Account" : plan.object();
        if (!plan.survivorKey().isEmpty()) {
            store.putId(linked, plan.survivorKey(), plan.survivor());
        }
        Instant now = clock.instant();
        String detail = plan.object() + " " + plan.loser() + " merged into " + plan.survivor() + ": "
                + plan.moves().size() + " related record(s) moved, " + plan.copied().size() + " field(s) copied"
                + (plan.copied().isEmpty() ? "" : " " + plan.copied().keySet())
                + (plan.movedKey().isEmpty() ? "" : ", Clarity key " + plan.movedKey() + " moved to the survivor")
                + ", " + plan.loser() + " deleted";
        String payload = JSON.valueToTree(plan).toString();
        for (String id : List.of(plan.survivor(), plan.loser())) {
            InboundEvent event = new InboundEvent("tandem", "merge-" + plan.loser() + "-" + id + "-" + now.toEpochMilli(),
                    "Duplicate.Merged", linked, id, id.equals(plan.survivor()) ? plan.survivorKey() : "", now,
                    payload);
            AppendResult appended = eventLog.append(event);
            store.audit(new AuditEntry(appended.offset(), "duplicates", "", "merge",
                    "POST /composite/graph (" + (plan.moves().size() + 2) + " nodes at most)", 200, 0, "OK", detail,
                    now));
        }
    }

    /** A Salesforce or Clarity failure is the upstream's, not the caller's: 502, or 503 when retrying can help. */
    private static void upstream(Context ctx, Runnable call) {
        try {
            call.run();
        } catch (IntegrationException e) {
            int status = e.retryable() ? 503 : 502;
            Problem.of(status, "upstream_error", e.system() + " refused or failed", e.getMessage())
                    .withInstance(ctx.path()).send(ctx);
        }
    }
}
