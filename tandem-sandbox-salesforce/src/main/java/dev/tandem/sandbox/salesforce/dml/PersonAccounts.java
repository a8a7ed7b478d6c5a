package dev.tandem.sandbox.salesforce.dml;

import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.ACCOUNT;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.CONTACT;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.RECORD_TYPE;

import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema.PersonField;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Person Accounts (spec §3.5; https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_personaccounts.htm):
 * an Account of a record type with IsPersonType is a person account, and "a corresponding contact record is also
 * created ... the ID of the corresponding person contact record is stored in the PersonContactId field". The person
 * contact mirrors the account's person fields and is written only through its account. Inactive in orgs without
 * Person Accounts, where the person fields do not exist (INVALID_FIELD, as for any unknown field).
 */
final class PersonAccounts {

    /** Saves a Contact row with the engine's full validation, bypassing the "not directly" checks below. */
    interface ContactWriter {
        void save(Transaction tx, SObjectDefinition contact, Row old, String id, Map<String, Object> values,
                WriteContext ctx);
    }

    private final SalesforceSchema schema;
    private final IdGenerator ids;

    PersonAccounts(SalesforceSchema schema, IdGenerator ids) {
        this.schema = schema;
        this.ids = ids;
    }

    /**
     * Runs before the required-field check: decides whether an Account is a person account, derives its Name and
     * IsPersonAccount, and refuses the fields the other kind of account does not have.
     */
    void prepare(Transaction tx, SObjectDefinition def, Row old, Map<String, Object> values, boolean implicit) {
        if (!schema.personAccounts()) {
            return;
        }
        if (def.name().equals(ACCOUNT)) {
            account(tx, old, values);
        } else if (def.name().equals(CONTACT) && !implicit) {
            contact(tx, old, values);
        }
    }

    private void account(Transaction tx, Row old, Map<String, Object> values) {
        Object recordTypeId = values.get("RecordTypeId");
        if (old == null && recordTypeId == null && values.get("LastName") != null) {
            // A LastName without a record type asks for a person account: the sandbox's user has the person record
            // type available, so the sandbox assigns it [inferred; real orgs use the profile's default mapping].
            recordTypeId = personRecordTypeId(tx);
            values.put("RecordTypeId", recordTypeId);
        }
        boolean person = isPersonType(tx, recordTypeId);
        if (old != null && person != Boolean.TRUE.equals(old.get("IsPersonAccount"))) {
            // Converting between business and person accounts has preconditions (one contact, no parent...) the
            // sandbox does not model; it refuses the change [inferred].
            throw ApiException.badRequest(ApiError.of("INVALID_PERSON_ACCOUNT_OPERATION",
                    "The sandbox can't convert between business and person accounts: RecordTypeId",
                    List.of("RecordTypeId")));
        }
        if (!person) {
            List<String> personOnly = new ArrayList<>();
            for (PersonField field : schema.personFields()) {
                if (!field.accountField().equals("Phone") && values.get(field.accountField()) != null
                        && (old == null || !DmlEngine.sameValue(values.get(field.accountField()),
                                old.get(field.accountField())))) {
                    personOnly.add(field.accountField());
                }
            }
            badFields(personOnly);
            return;
        }
        boolean nameSet = old == null ? values.get("Name") != null
                : !DmlEngine.sameValue(values.get("Name"), old.get("Name"));
        if (nameSet) {
            // A person account's Name is the compound of FirstName and LastName, not a field of its own.
            badFields(List.of("Name"));
        }
        if (values.get("LastName") == null) {
            throw ApiException.badRequest(ApiError.of("REQUIRED_FIELD_MISSING",
                    "Required fields are missing: [LastName]", List.of("LastName")));
        }
        values.put("Name", BusinessRules.joinName(values.get("FirstName"), values.get("LastName")));
        values.put("IsPersonAccount", Boolean.TRUE);
    }

    /**
     * The platform's refusal of fields the record cannot take, verbatim from a Bulk API result: INVALID_FIELD_FOR_
     * INSERT_UPDATE "Account: bad field names on insert/update call: Name" with fields ["Name"].
     */
    private static void badFields(List<String> fields) {
        if (!fields.isEmpty()) {
            throw ApiException.badRequest(ApiError.of("INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Account: bad field names on insert/update call: " + String.join(", ", fields),
                    List.copyOf(fields)));
        }
    }

    /**
     * A person contact is written through its account only: spec §3.5 "Person contacts can't be created or deleted
     * directly". INVALID_PERSON_ACCOUNT_OPERATION is the platform's status code for person-account misuse; the
     * messages are [inferred].
     */
    private void contact(Transaction tx, Row old, Map<String, Object> values) {
        if (old != null && Boolean.TRUE.equals(old.get("IsPersonAccount"))) {
            throw ApiException.badRequest(ApiError.of("INVALID_PERSON_ACCOUNT_OPERATION",
                    "You can't edit a person account's contact directly; edit the person account "
                            + old.get("AccountId") + " instead.", List.of()));
        }
        Object accountId = values.get("AccountId");
        if (accountId != null && (old == null || !accountId.equals(old.get("AccountId")))) {
            boolean personAccount = tx.find(accountId.toString())
                    .map(a -> Boolean.TRUE.equals(a.get("IsPersonAccount"))).orElse(false);
            if (personAccount) {
                throw ApiException.badRequest(ApiError.of("INVALID_PERSON_ACCOUNT_OPERATION",
                        "You can't associate a contact with a person account.", List.of("AccountId")));
            }
        }
    }

    /**
     * After a person account is saved: creates its person contact (and sets PersonContactId) or copies the changed
     * person fields onto it, in the same transaction, so both change events commit together.
     */
    void afterSave(Transaction tx, SObjectDefinition def, Row saved, WriteContext ctx, ContactWriter writer) {
        if (!schema.personAccounts() || !def.name().equals(ACCOUNT)
                || !Boolean.TRUE.equals(saved.get("IsPersonAccount"))) {
            return;
        }
        SObjectDefinition contactDef = schema.require(CONTACT);
        Object contactId = saved.get("PersonContactId");
        Row contact = contactId == null ? null : tx.find(contactId.toString()).orElse(null);
        Map<String, Object> values = contact == null ? contactDef.rowLayout().newValues() : contact.mutableValues();
        boolean changed = contact == null;
        for (PersonField field : schema.personFields()) {
            Object value = saved.get(field.accountField());
            if (!DmlEngine.sameValue(value, values.get(field.contactField()))) {
                values.put(field.contactField(), value);
                changed = true;
            }
        }
        if (!changed) {
            return;
        }
        values.put("AccountId", saved.id());
        values.put("IsPersonAccount", Boolean.TRUE);
        String id = contact == null ? ids.next(contactDef.keyPrefix()) : contact.id();
        writer.save(tx, contactDef, contact, id, values, ctx);
        if (contact == null) {
            Map<String, Object> account = saved.mutableValues();
            account.put("PersonContactId", id);
            tx.put(saved.with(account, saved.lastModifiedByClient()));
        }
    }

    /** Deleting a person account deletes its contact (the cascade); deleting the contact itself is refused. */
    void beforeDirectDelete(SObjectDefinition def, Row row) {
        if (schema.personAccounts() && def.name().equals(CONTACT) && Boolean.TRUE.equals(row.get("IsPersonAccount"))) {
            throw ApiException.badRequest(ApiError.of("INVALID_PERSON_ACCOUNT_OPERATION",
                    "You can't delete a person account's contact; delete the person account " + row.get("AccountId")
                            + " instead.", List.of()));
        }
    }

    private static boolean isPersonType(Transaction tx, Object recordTypeId) {
        return recordTypeId != null && tx.find(recordTypeId.toString())
                .filter(r -> r.type().equals(RECORD_TYPE) && !r.deleted())
                .map(r -> Boolean.TRUE.equals(r.get("IsPersonType"))).orElse(false);
    }

    private static String personRecordTypeId(Transaction tx) {
        return tx.all(RECORD_TYPE).stream()
                .filter(r -> !r.deleted() && ACCOUNT.equals(r.get("SobjectType"))
                        && Boolean.TRUE.equals(r.get("IsPersonType")) && Boolean.TRUE.equals(r.get("IsActive")))
                .map(Row::id).findFirst().orElse(null);
    }
}
