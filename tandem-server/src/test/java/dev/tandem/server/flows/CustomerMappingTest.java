package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.model.TransformStep;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped customer flow's mapping on its example (a B2B user with contact and account) and on the other shape
 * it takes (a Contact of a profile change), and the standardisation it shares with the order flows: the same
 * Clarity contact gives the same Account and Contact fields in all three mappings.
 */
class CustomerMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, FlowSpec> FLOWS = new FlowRepository(FlowRepository.shippedCatalog(), null,
            Map.of()).load().flows();

    private static JsonataMapping mapping(String flowId) {
        FlowSpec flow = FLOWS.get(flowId);
        return flow.mapping(flow.definition().steps().stream().filter(s -> s instanceof TransformStep)
                .map(s -> ((TransformStep) s).mapping()).findFirst().orElseThrow());
    }

    private static ObjectNode resource(String path) throws IOException {
        try (InputStream in = CustomerMappingTest.class.getResourceAsStream(path)) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static JsonNode record(JsonNode plan, String ref) {
        for (JsonNode r : plan.path("records")) {
            if (r.path("ref").asText().equals(ref)) {
                return r;
            }
        }
        return JSON.missingNode();
    }

    @Test
    void aB2bUserBecomesAnAccountWithItsContactStandardised() throws IOException {
        JsonNode plan = mapping("clarity-customer-to-salesforce")
                .apply(resource("/flows/clarity-customer.example.json"));

        assertThat(plan.path("root").asText()).isEqualTo("contact");
        JsonNode account = record(plan, "account");
        assertThat(account.path("key").asText()).isEqualTo("CUST-0001");
        assertThat(account.at("/fields/Name").asText()).isEqualTo("Acme Corp");
        assertThat(account.at("/fields/RecordTypeId/developerName").asText()).isEqualTo("Business");
        assertThat(account.path("fields").has("IsPersonAccount")).as("a business is never a person account").isFalse();
        assertThat(account.at("/fields/Phone").asText()).isEqualTo("+15125550100");
        assertThat(account.at("/fields/BillingCountry").asText()).isEqualTo("US");
        assertThat(account.at("/fields/BillingState").asText()).isEqualTo("TX");
        JsonNode contact = record(plan, "contact");
        assertThat(contact.path("key").asText()).isEqualTo("CON-9001");
        assertThat(contact.at("/fields/AccountId").asText()).isEqualTo("@{account.id}");
        assertThat(contact.at("/fields/FirstName").asText()).as("trimmed").isEqualTo("Jane");
        assertThat(contact.at("/fields/Email").asText()).as("trimmed, lower case").isEqualTo("jane@acme.test");
        assertThat(contact.at("/fields/Phone").asText()).isEqualTo("+15125550100");
        assertThat(contact.at("/fields/MailingCountry").asText()).isEqualTo("US");
    }

    @Test
    void aConsumerIsMarkedForAPersonAccountAndNamedAfterThePerson() throws IOException {
        ObjectNode user = resource("/flows/clarity-customer.example.json");
        ((ObjectNode) user.get("Account")).put("Name", "Jane Doe");
        ((ObjectNode) user.at("/Contact/Address")).remove("Company");

        JsonNode account = record(mapping("clarity-customer-to-salesforce").apply(user), "account");

        assertThat(account.at("/fields/Name").asText()).isEqualTo("Jane Doe");
        assertThat(account.at("/fields/RecordTypeId/developerName").asText()).isEqualTo("Consumer");
        assertThat(account.at("/fields/IsPersonAccount/enrich").asText()).isEqualTo("personAccount");
        assertThat(account.at("/fields/IsPersonAccount/contact").asText()).isEqualTo("contact");
    }

    @Test
    void householdNamingNamesAConsumersAccountAfterTheFamily(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        // The operator's copy of the shipped flow (flows.dir) with the one picklist value changed.
        for (String file : new String[] {"clarity-customer-to-salesforce.yaml",
            "clarity-customer-to-salesforce.jsonata", "clarity-customer.example.json"}) {
            try (InputStream in = CustomerMappingTest.class.getResourceAsStream("/flows/" + file)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                java.nio.file.Files.writeString(dir.resolve(file),
                        text.replace("accountNaming: { b2c: person }", "accountNaming: { b2c: household }"));
            }
        }
        FlowSpec flow = new FlowRepository(FlowRepository.shippedCatalog(), dir, Map.of()).load().flows()
                .get("clarity-customer-to-salesforce");
        JsonataMapping household = flow.mapping(flow.definition().steps().stream()
                .filter(s -> s instanceof TransformStep).map(s -> ((TransformStep) s).mapping()).findFirst()
                .orElseThrow());
        ObjectNode user = resource("/flows/clarity-customer.example.json");
        ((ObjectNode) user.get("Account")).put("Name", "Jane Doe");
        ((ObjectNode) user.at("/Contact/Address")).remove("Company");

        assertThat(record(household.apply(user), "account").at("/fields/Name").asText()).isEqualTo("Doe Household");
        assertThat(record(mapping("clarity-customer-to-salesforce").apply(user), "account").at("/fields/Name").asText())
                .as("the shipped default").isEqualTo("Jane Doe");
    }

    @Test
    void aContactOfAProfileChangeUpdatesTheContactAloneByItsKey() throws IOException {
        ObjectNode contact = (ObjectNode) resource("/flows/clarity-customer.example.json").get("Contact");
        contact.put("Phone1", "(737) 555-0142");
        contact.put("Email1", "  JANE.DOE@Example.COM ");
        ((ObjectNode) contact.get("Address")).put("CountryCode", "United States").put("RegionCode", "Texas");

        JsonNode plan = mapping("clarity-customer-to-salesforce").apply(contact);

        assertThat(plan.path("records")).hasSize(1);
        JsonNode only = record(plan, "contact");
        assertThat(only.path("key").asText()).isEqualTo("CON-9001");
        assertThat(only.path("fields").has("AccountId")).as("the account link stays as Salesforce has it").isFalse();
        assertThat(only.at("/fields/Phone").asText()).isEqualTo("+17375550142");
        assertThat(only.at("/fields/Email").asText()).isEqualTo("jane.doe@example.com");
        assertThat(only.at("/fields/MailingCountry").asText()).isEqualTo("US");
        assertThat(only.at("/fields/MailingState").asText()).isEqualTo("TX");
    }

    @Test
    void anAccountOfABackOfficeChangeUpdatesTheAccountAloneByItsKey() throws IOException {
        ObjectNode account = (ObjectNode) resource("/flows/clarity-customer.example.json").get("Account");
        account.put("Name", " Acme Holdings ");

        JsonNode plan = mapping("clarity-customer-to-salesforce").apply(account);

        assertThat(plan.path("root").asText()).isEqualTo("account");
        assertThat(plan.path("records")).hasSize(1);
        JsonNode only = record(plan, "account");
        assertThat(only.path("key").asText()).isEqualTo("CUST-0001");
        assertThat(only.at("/fields/Name").asText()).isEqualTo("Acme Holdings");
        assertThat(only.at("/fields/IsPersonAccount/enrich").asText()).isEqualTo("personAccount");
        assertThat(only.at("/fields/IsPersonAccount").has("contact")).as("written alone, nothing to merge").isFalse();
    }

    @Test
    void onlyAFullNameIsSplitAndAPhoneLibphonenumberRefusesIsKeptAsWritten() throws IOException {
        ObjectNode contact = (ObjectNode) resource("/flows/clarity-customer.example.json").get("Contact");
        contact.remove("FirstName");
        contact.remove("LastName");
        contact.put("FullName", " Ludwig van Beethoven ");
        contact.put("Phone1", " ext. 12 ");
        ((ObjectNode) contact.get("Address")).put("CountryCode", "DEU").put("RegionCode", "BY");

        JsonNode fields = record(mapping("clarity-customer-to-salesforce").apply(contact), "contact").path("fields");

        assertThat(fields.path("FirstName").asText()).isEqualTo("Ludwig");
        assertThat(fields.path("LastName").asText()).isEqualTo("van Beethoven");
        assertThat(fields.path("Phone").asText()).isEqualTo("ext. 12");
        assertThat(fields.path("MailingCountry").asText()).isEqualTo("DE");
        assertThat(fields.path("MailingState").asText()).as("no subdivision table for DE: as written").isEqualTo("BY");
    }

    @Test
    void theOrderFlowsWriteTheSameAccountAndContactFieldsAsTheCustomerFlow() throws IOException {
        ObjectNode order = resource("/orders/order-5001.json");
        ObjectNode billing = (ObjectNode) order.get("BillingContact");
        billing.put("FirstName", " Jane ").put("Email1", "Jane@Acme.test ");
        ObjectNode user = resource("/flows/clarity-customer.example.json");
        user.set("Contact", billing.deepCopy());
        user.put("ContactKey", billing.path("CustomKey").asText());
        ((ObjectNode) user.get("Account")).put("Name", order.path("AccountName").asText());
        JsonNode fromProfile = mapping("clarity-customer-to-salesforce").apply(user);

        for (String flow : new String[] {"clarity-order-to-salesforce", "clarity-order-to-opportunity"}) {
            JsonNode fromOrder = mapping(flow).apply(order);
            for (String ref : new String[] {"account", "contact"}) {
                assertThat(record(fromOrder, ref).path("key")).as(flow + " " + ref + " key")
                        .isEqualTo(record(fromProfile, ref).path("key"));
                assertThat(record(fromOrder, ref).path("fields")).as(flow + " " + ref + " fields")
                        .isEqualTo(record(fromProfile, ref).path("fields"));
            }
        }
    }
}
