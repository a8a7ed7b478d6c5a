package dev.tandem.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The customer360 report's comparison: what counts as a mismatch and as a duplicate. */
class SyncedFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Test
    void valuesAreComparedStandardisedAsTheMappingWritesThemAndTheContactsPhoneWinsOverTheUsers() throws Exception {
        JsonNode user = json("{\"Email\":\"old@example.com\",\"PhoneNumber\":\"+1 512-555-0000\"}");
        JsonNode contact = json("{\"FirstName\":\" Ada \",\"LastName\":\"Lovelace \",\"Email1\":\"ada@example.com\","
                + "\"Phone1\":\"+1 512-555-0101\"}");
        JsonNode same = json("{\"FirstName\":\"Ada\",\"LastName\":\"Lovelace\",\"Email\":\"ADA@example.com \","
                + "\"Phone\":\"+15125550101\"}");
        assertThat(SyncedFields.mismatches(user, contact, same)).isZero();

        JsonNode repChanged = json("{\"FirstName\":\"Ada\",\"LastName\":\"Lovelace\",\"Email\":\"ada@example.org\","
                + "\"Phone\":\"+1 737 555 0142\"}");
        assertThat(SyncedFields.mismatches(user, contact, repChanged)).as("e-mail and phone").isEqualTo(2);
    }

    @Test
    void aFieldAbsentOnOneSideAndEmptyOnTheOtherIsEqual() throws Exception {
        JsonNode user = json("{}");
        JsonNode contact = json("{\"FirstName\":null,\"LastName\":\"Byron\"}");
        JsonNode sf = json("{\"LastName\":\"Byron\",\"Email\":null}");
        assertThat(SyncedFields.mismatches(user, contact, sf)).isZero();
    }

    @Test
    void duplicatesShareAClarityKeyOrANormalisedEmailAndEachCountsOnce() throws Exception {
        List<JsonNode> contacts = List.of(
                json("{\"Id\":\"003A\",\"Clarity_Contact_Key__c\":\"CON-1\",\"Email\":\"a@x.com\"}"),
                // same key and same e-mail as the first: one duplicate, not two
                json("{\"Id\":\"003B\",\"Clarity_Contact_Key__c\":\"CON-1\",\"Email\":\" A@X.com\"}"),
                // made in Salesforce without a key, same e-mail as CON-2
                json("{\"Id\":\"003C\",\"Email\":\"b@x.com\"}"),
                json("{\"Id\":\"003D\",\"Clarity_Contact_Key__c\":\"CON-2\",\"Email\":\"b@x.com\"}"),
                // neither key nor e-mail: never a duplicate
                json("{\"Id\":\"003E\"}"),
                json("{\"Id\":\"003F\"}"));
        assertThat(SyncedFields.duplicates(contacts)).isEqualTo(2);
        assertThat(SyncedFields.duplicates(contacts.subList(4, 6))).isZero();
    }
}
