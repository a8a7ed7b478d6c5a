package dev.tandem.server.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields the customer flows keep equal in both systems, compared the way the shipped mappings write them
 * ({@code flows/clarity-customer-to-salesforce.jsonata}, {@code flows/salesforce-contact-to-clarity.jsonata}): names
 * trimmed, e-mail trimmed and in lower case, phones by their digits (the mappings write E.164: "+1 512-555-0101" is
 * "+15125550101" in Salesforce); the contact's e-mail and phone, else the user's. A field absent on one side and
 * empty on the other is equal.
 */
final class SyncedFields {

    /** First name, last name, e-mail, phone. */
    static final int COMPARED = 4;

    private SyncedFields() {
    }

    /** How many of the synced fields of a Clarity customer (its user and contact, CEF JSON) differ in Salesforce. */
    static int mismatches(JsonNode user, JsonNode contact, JsonNode salesforceContact) {
        String email = firstNonEmpty(Customer360Demo.text(contact, "Email1"), Customer360Demo.text(user, "Email"));
        String phone = firstNonEmpty(Customer360Demo.text(contact, "Phone1"),
                Customer360Demo.text(user, "PhoneNumber"));
        int differing = 0;
        differing += differs(Customer360Demo.text(contact, "FirstName").trim(),
                Customer360Demo.text(salesforceContact, "FirstName"));
        differing += differs(Customer360Demo.text(contact, "LastName").trim(),
                Customer360Demo.text(salesforceContact, "LastName"));
        differing += differs(email.trim().toLowerCase(Locale.ROOT),
                Customer360Demo.text(salesforceContact, "Email").trim().toLowerCase(Locale.ROOT));
        differing += differs(digits(phone), digits(Customer360Demo.text(salesforceContact, "Phone")));
        return differing;
    }

    /**
     * Salesforce Contacts beyond the first (by Id) sharing a Clarity key or a normalised e-mail (trimmed, lower
     * case); a contact that is a duplicate both ways counts once.
     */
    static long duplicates(List<? extends JsonNode> contacts) {
        Set<String> extra = new HashSet<>();
        extra.addAll(extras(contacts, c -> Customer360Demo.text(c, "Clarity_Contact_Key__c")));
        extra.addAll(extras(contacts, c -> Customer360Demo.text(c, "Email").trim().toLowerCase(Locale.ROOT)));
        return extra.size();
    }

    private static Set<String> extras(List<? extends JsonNode> contacts, Function<JsonNode, String> key) {
        Map<String, List<String>> idsByKey = new HashMap<>();
        for (JsonNode c : contacts) {
            String k = key.apply(c);
            if (!k.isEmpty()) {
                idsByKey.computeIfAbsent(k, x -> new ArrayList<>()).add(Customer360Demo.text(c, "Id"));
            }
        }
        Set<String> extra = new HashSet<>();
        for (List<String> ids : idsByKey.values()) {
            ids.stream().sorted(Comparator.naturalOrder()).skip(1).forEach(extra::add);
        }
        return extra;
    }

    private static int differs(String clarity, String salesforce) {
        return clarity.equals(salesforce) ? 0 : 1;
    }

    /** A phone number's digits, how the two systems' forms of one number compare. */
    static String digits(String phone) {
        return phone == null ? "" : phone.replaceAll("\\D", "");
    }

    private static String firstNonEmpty(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
