package dev.tandem.salesforce.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.client.PathSegments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code salesforce.personAccounts}: a consumer (B2C) written as a Person Account where the org has them, as an
 * Account with its Contact where it does not, from one write plan. A mapping marks the consumer's Account with a
 * placeholder field, {@code "IsPersonAccount": {"enrich": "personAccount", "contact": "contact"}} (the ref of the
 * person's Contact in the same plan, linked to the account by {@code "AccountId": "@{account.id}"}).
 *
 * <p>In an org <b>without</b> Person Accounts the placeholder is removed and the pair is written as planned.
 *
 * <p>In an org <b>with</b> them (spec §3.5; https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_guidelines_personaccounts.htm)
 * the Contact is merged into the Account: "a corresponding contact record is also created" by Salesforce, and a
 * person contact "can't be created ... directly". So the Account gets the person account record type, the
 * Contact's fields under their Account names (Email → PersonEmail, MailingCity → PersonMailingCity, a custom
 * {@code X__c} → {@code X__pc}, the Contact's key too: {@code Clarity_Contact_Key__c} → {@code Clarity_Contact_Key__pc}),
 * no {@code Name} (a person account's name is its FirstName and LastName), and the Contact record leaves the plan.
 * A field of another record that points at the Contact ({@code "@{contact.id}"}, e.g. an Order's BillToContactId)
 * is left out: the person contact's id is not known inside the group. A plan whose root was the Contact gets the
 * Account as its root.
 *
 * <p>A Contact written <b>alone</b> with the placeholder ({@code "IsPersonAccount": {"enrich": "personAccount"}}
 * on the Contact: a profile change) is looked up in an org with Person Accounts, one query per batch; a person
 * contact's write goes to its person account by the account's {@code Clarity_Account_Key__c}. An Account written
 * alone with the placeholder (no {@code contact}: an account's own change) loses its {@code Name} when it is a
 * person account there, for the same reason.
 *
 * <p>Whether the org has Person Accounts is read once from the Account describe (the {@code IsPersonAccount} field
 * exists only there), the person account record type once with
 * {@code SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Account' AND IsPersonType = true} (RecordType
 * object reference: IsPersonType, https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_recordtype.htm).
 * Both are cached for the life of the enricher: enabling Person Accounts is an irreversible org setting.
 */
public final class PersonAccountEnricher implements Enricher {

    public static final String NAME = "salesforce.personAccounts";
    static final String PLACEHOLDER = "personAccount";
    /** Keys per SOQL {@code IN} list, well inside the 100,000-character query limit. */
    static final int KEYS_PER_QUERY = 200;

    /**
     * Standard Contact fields and their names on a person account (Account object reference, "Person account
     * fields": https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm).
     */
    private static final Map<String, String> PERSON_FIELDS = personFields();

    private final SalesforceApi salesforce;
    private final Function<String, ObjectNode> describe;
    private volatile Boolean enabled;
    private volatile String personRecordTypeId;

    /**
     * @param salesforce for the record type query
     * @param describe   the sObject describe ({@code GET /sobjects/Account/describe}), e.g. the REST client's cache
     */
    public PersonAccountEnricher(SalesforceApi salesforce, Function<String, ObjectNode> describe) {
        this.salesforce = salesforce;
        this.describe = describe;
    }

    @Override
    public List<Result> enrich(List<WriteGroup> groups) {
        Map<String, ObjectNode> personContacts = personContacts(groups);
        java.util.Set<String> personAccounts = personAccounts(groups);
        List<Result> out = new ArrayList<>(groups.size());
        for (WriteGroup g : groups) {
            Optional<RecordWrite> marked = g.records().stream().filter(r -> placeholderField(r) != null).findFirst();
            if (marked.isPresent() && "Contact".equals(marked.get().entity())) {
                out.add(contactAlone(g, marked.get(), personContacts));
            } else if (marked.isPresent() && accountAlone(marked.get())) {
                RecordWrite account = marked.get();
                ObjectNode fields = account.fields().deepCopy();
                fields.remove(placeholderField(account));
                if (personAccounts.contains(account.key())) {
                    // A person account's Name is its FirstName and LastName, written from its person contact.
                    fields.remove("Name");
                }
                out.add(new Result.Enriched(replace(g, account, account.withFields(fields))));
            } else {
                out.add(fill(g));
            }
        }
        return out;
    }

    /** An Account marked without a Contact to merge: an account's own change, written alone. */
    private static boolean accountAlone(RecordWrite r) {
        return "Account".equals(r.entity()) && !r.fields().path(placeholderField(r)).has("contact");
    }

    /**
     * The keys of the batch's Accounts written alone that are person accounts: one query per batch (by their key
     * field, {@code Clarity_Account_Key__c}), only in an org with Person Accounts.
     */
    private java.util.Set<String> personAccounts(List<WriteGroup> groups) {
        Map<String, List<String>> keysByField = new LinkedHashMap<>();
        for (WriteGroup g : groups) {
            for (RecordWrite r : g.records()) {
                if (placeholderField(r) != null && accountAlone(r) && !r.key().isBlank()) {
                    keysByField.computeIfAbsent(r.keyField(), k -> new ArrayList<>()).add(r.key());
                }
            }
        }
        java.util.Set<String> found = new java.util.HashSet<>();
        if (keysByField.isEmpty() || !personAccountsEnabled()) {
            return found;
        }
        keysByField.forEach((keyField, keys) -> {
            String field = PathSegments.apiName(keyField, "the Account's key field");
            List<String> distinct = keys.stream().distinct().toList();
            for (int from = 0; from < distinct.size(); from += KEYS_PER_QUERY) {
                List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + KEYS_PER_QUERY));
                for (ObjectNode row : salesforce.query("SELECT Id, IsPersonAccount, " + field + " FROM Account WHERE "
                        + field + " IN (" + String.join(", ",
                                chunk.stream().map(PricebookEntryResolver::soqlString).toList()) + ")")) {
                    if (row.path("IsPersonAccount").asBoolean(false)) {
                        found.add(row.path(keyField).asText());
                    }
                }
            }
        });
        return found;
    }

    /**
     * The person contacts among the marked Contacts of the batch, by their key: one query for the batch, and only
     * in an org with Person Accounts ({@code SELECT ... FROM Contact WHERE Clarity_Contact_Key__c IN (...)}).
     */
    private Map<String, ObjectNode> personContacts(List<WriteGroup> groups) {
        Map<String, List<String>> keysByField = new LinkedHashMap<>();
        for (WriteGroup g : groups) {
            for (RecordWrite r : g.records()) {
                if ("Contact".equals(r.entity()) && placeholderField(r) != null && !r.key().isBlank()) {
                    keysByField.computeIfAbsent(r.keyField(), k -> new ArrayList<>()).add(r.key());
                }
            }
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        if (keysByField.isEmpty() || !personAccountsEnabled()) {
            return found;
        }
        keysByField.forEach((keyField, keys) -> {
            List<String> distinct = keys.stream().distinct().toList();
            for (int from = 0; from < distinct.size(); from += KEYS_PER_QUERY) {
                List<String> chunk = distinct.subList(from, Math.min(distinct.size(), from + KEYS_PER_QUERY));
                String field = PathSegments.apiName(keyField, "the Contact's key field");
                for (ObjectNode row : salesforce.query("SELECT Id, IsPersonAccount, AccountId, "
                        + "Account.Clarity_Account_Key__c, " + field + " FROM Contact WHERE " + field + " IN ("
                        + String.join(", ", chunk.stream().map(PricebookEntryResolver::soqlString).toList()) + ")")) {
                    if (row.path("IsPersonAccount").asBoolean(false)) {
                        found.put(keyField + "|" + row.path(keyField).asText(), row);
                    }
                }
            }
        });
        return found;
    }

    /**
     * A Contact written alone (a profile change): a person contact cannot be written directly (spec §3.5), so in an
     * org with Person Accounts the write goes to its person account, by the account's Clarity key, with the fields
     * under their person account names. Any other Contact is written as planned, without the placeholder.
     */
    private Result contactAlone(WriteGroup g, RecordWrite contact, Map<String, ObjectNode> personContacts) {
        String field = placeholderField(contact);
        ObjectNode fields = contact.fields().deepCopy();
        fields.remove(field);
        ObjectNode person = personContacts.get(contact.keyField() + "|" + contact.key());
        if (person == null) {
            return new Result.Enriched(replace(g, contact, contact.withFields(fields)));
        }
        String accountKey = person.path("Account").path("Clarity_Account_Key__c").asText("");
        if (accountKey.isBlank()) {
            return failed("the Salesforce Contact " + person.path("Id").asText() + " is the person contact of the "
                    + "person account " + person.path("AccountId").asText() + ", which has no Clarity_Account_Key__c"
                    + " to write it by", contact.keyField());
        }
        ObjectNode accountFields = fields.objectNode();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : fields.properties()) {
            String personName = f.getKey().equals("AccountId") ? null : personName(f.getKey());
            if (personName != null) {
                accountFields.set(personName, f.getValue());
            } else if (!f.getKey().equals("AccountId")) {
                unknown.add(f.getKey());
            }
        }
        if (!unknown.isEmpty()) {
            return failed("a person account has no field for the Contact's " + String.join(", ", unknown),
                    unknown.getFirst());
        }
        RecordWrite account = new RecordWrite(contact.ref(), "Account", "Clarity_Account_Key__c", accountKey,
                accountFields);
        return new Result.Enriched(replace(g, contact, account));
    }

    /** Whether the org has Person Accounts (the Account describe has IsPersonAccount); read once. */
    public boolean personAccountsEnabled() {
        Boolean known = enabled;
        if (known == null) {
            boolean found = false;
            for (JsonNode f : describe.apply("Account").path("fields")) {
                found |= "IsPersonAccount".equals(f.path("name").asText());
            }
            enabled = known = found;
        }
        return known;
    }

    private Result fill(WriteGroup g) {
        Optional<RecordWrite> marked = g.records().stream().filter(r -> placeholderField(r) != null).findFirst();
        if (marked.isEmpty()) {
            return new Result.Enriched(g);
        }
        RecordWrite account = marked.get();
        String field = placeholderField(account);
        ObjectNode accountFields = account.fields().deepCopy();
        JsonNode placeholder = accountFields.remove(field);
        if (!personAccountsEnabled()) {
            return new Result.Enriched(replace(g, account, account.withFields(accountFields)));
        }
        if (!"Account".equals(account.entity())) {
            return failed("the personAccount placeholder is on a " + account.entity() + "; it belongs on an Account",
                    field);
        }
        String contactRef = placeholder.path("contact").asText("contact");
        Optional<RecordWrite> found = g.record(contactRef).filter(r -> "Contact".equals(r.entity()));
        if (found.isEmpty()) {
            return failed("the personAccount placeholder names the Contact '" + contactRef
                    + "', which the plan does not have", field);
        }
        RecordWrite contact = found.get();
        String typeId = personRecordTypeId();
        if (typeId == null) {
            return failed("the org has Person Accounts but no active Account record type with IsPersonType = true",
                    "RecordTypeId");
        }
        accountFields.remove("Name");
        accountFields.put("RecordTypeId", typeId);
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : contact.fields().properties()) {
            String name = f.getKey();
            if (name.equals("AccountId")) {
                continue;
            }
            String personName = personName(name);
            if (personName == null) {
                unknown.add(name);
            } else {
                accountFields.set(personName, f.getValue());
            }
        }
        if (!unknown.isEmpty()) {
            return failed("a person account has no field for the Contact's " + String.join(", ", unknown)
                    + "; leave it out of the person's Contact or map it to an Account field", unknown.getFirst());
        }
        String keyOnAccount = personName(contact.keyField());
        if (keyOnAccount != null && !contact.key().isBlank()) {
            accountFields.put(keyOnAccount, contact.key());
        }
        String pointer = "@{" + contact.ref() + ".id}";
        List<RecordWrite> records = new ArrayList<>();
        for (RecordWrite r : g.records()) {
            if (r == contact) {
                continue;
            }
            if (r == account) {
                records.add(account.withFields(accountFields));
                continue;
            }
            ObjectNode fields = null;
            for (Map.Entry<String, JsonNode> f : r.fields().properties()) {
                if (pointer.equals(f.getValue().asText(null))) {
                    fields = fields == null ? r.fields().deepCopy() : fields;
                    fields.remove(f.getKey());
                }
            }
            records.add(fields == null ? r : r.withFields(fields));
        }
        String root = g.root().equals(contact.ref()) ? account.ref() : g.root();
        return new Result.Enriched(new WriteGroup(g.id(), records, root));
    }

    private String personRecordTypeId() {
        String known = personRecordTypeId;
        if (known == null) {
            List<ObjectNode> rows = salesforce.query("SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = "
                    + "'Account' AND IsPersonType = true AND IsActive = true ORDER BY DeveloperName");
            known = rows.isEmpty() ? null : rows.getFirst().path("Id").asText();
            personRecordTypeId = known;
        }
        return known;
    }

    /** The Account field of a person account for a Contact field, or null when it has none. */
    static String personName(String contactField) {
        if (contactField.endsWith("__c")) {
            return contactField.substring(0, contactField.length() - 3) + "__pc";
        }
        return PERSON_FIELDS.get(contactField);
    }

    private static String placeholderField(RecordWrite r) {
        for (Map.Entry<String, JsonNode> f : r.fields().properties()) {
            if (f.getValue().isObject() && PLACEHOLDER.equals(f.getValue().path("enrich").asText())) {
                return f.getKey();
            }
        }
        return null;
    }

    private static WriteGroup replace(WriteGroup g, RecordWrite old, RecordWrite now) {
        return g.withRecords(g.records().stream().map(r -> r == old ? now : r).toList());
    }

    private static Result failed(String message, String field) {
        return new Result.Failed(new ApiError("PERSON_ACCOUNT_PLAN_INVALID", message, List.of(field), false));
    }

    private static Map<String, String> personFields() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String same : List.of("FirstName", "LastName", "MiddleName", "Suffix", "Salutation", "Phone", "Fax")) {
            m.put(same, same);
        }
        for (String f : List.of("Email", "MobilePhone", "HomePhone", "OtherPhone", "Title", "Birthdate", "Department",
                "AssistantName", "AssistantPhone")) {
            m.put(f, "Person" + f);
        }
        for (String part : List.of("Street", "City", "State", "PostalCode", "Country", "StateCode", "CountryCode",
                "Latitude", "Longitude")) {
            m.put("Mailing" + part, "PersonMailing" + part);
            m.put("Other" + part, "PersonOther" + part);
        }
        return Map.copyOf(m);
    }
}
