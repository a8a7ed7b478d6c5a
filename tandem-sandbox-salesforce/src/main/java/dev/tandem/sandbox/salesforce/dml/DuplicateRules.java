package dev.tandem.sandbox.salesforce.dml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.List;
import java.util.Locale;

/**
 * The org's active duplicate rules. One is modelled, switchable at run time: Contacts matched by Email, with the
 * "Alert" action, so a save is refused with DUPLICATES_DETECTED and the {@code duplicateResult} of spec §2.12
 * unless the request carries {@code Sforce-Duplicate-Rule-Header: allowSave=true}.
 */
public final class DuplicateRules {

    /** The message of the documented body (spec §2.8, §2.12). */
    static final String MESSAGE = "Use one of these records?";

    private volatile boolean contactByEmail;

    public DuplicateRules(boolean contactByEmail) {
        this.contactByEmail = contactByEmail;
    }

    public boolean contactByEmail() {
        return contactByEmail;
    }

    public void setContactByEmail(boolean enabled) {
        this.contactByEmail = enabled;
    }

    /** Refuses the save of {@code id} when another live Contact has the same e-mail address (case-insensitive). */
    void check(Transaction tx, SObjectDefinition def, Row old, String id, Object email, WriteContext ctx) {
        if (!contactByEmail || ctx.allowDuplicateSave() || !def.name().equals(SalesforceSchema.CONTACT)
                || email == null || old != null && email.equals(old.get("Email"))) {
            return;
        }
        String wanted = email.toString().toLowerCase(Locale.ROOT);
        List<Row> matches = tx.all(def.name()).stream()
                .filter(r -> !r.deleted() && !r.id().equals(id) && r.get("Email") != null
                        && r.get("Email").toString().toLowerCase(Locale.ROOT).equals(wanted))
                .toList();
        if (!matches.isEmpty()) {
            throw ApiException.badRequest(ApiError.duplicates(MESSAGE, duplicateResult(def, matches, ctx)));
        }
    }

    /** The {@code duplicateResult} object, shaped like the aiosalesforce test body of spec §2.12. */
    private static ObjectNode duplicateResult(SObjectDefinition def, List<Row> matches, WriteContext ctx) {
        ObjectNode result = Json.object();
        result.put("allowSave", true);
        result.put("duplicateRule", "Standard_Contact_Duplicate_Rule");
        result.put("duplicateRuleEntityType", def.name());
        result.put("errorMessage", MESSAGE);
        ObjectNode match = result.putArray("matchResults").addObject();
        match.put("entityType", def.name());
        match.putArray("errors");
        match.put("matchEngine", "FuzzyMatchEngine");
        ArrayNode records = match.putArray("matchRecords");
        for (Row row : matches) {
            ObjectNode entry = records.addObject();
            entry.putArray("additionalInformation");
            entry.putArray("fieldDiffs");
            entry.put("matchConfidence", 100.0);
            ObjectNode record = entry.putObject("record");
            ObjectNode attributes = record.putObject("attributes");
            attributes.put("type", def.name());
            attributes.put("url", "/services/data/v" + ctx.apiVersion() + "/sobjects/" + def.name() + "/" + row.id());
            record.put("Id", row.id());
        }
        match.put("rule", "Standard_Contact_Match_Rule_v1_1");
        match.put("size", matches.size());
        match.put("success", true);
        return result;
    }
}
