package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The SOQL features issue 3 point 9 lists, end to end over /query (spec §2.5). */
class SoqlCompletenessTest extends SandboxTestSupport {

    private final OAuthTokenEndpointTest.ManualClock clock = new OAuthTokenEndpointTest.ManualClock();

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.clock(clock);
    }

    @BeforeEach
    void opportunities() {
        // The manual clock says 2024-05-01.
        opportunity("Alpha", "2024-05-01", 100);
        opportunity("Beta", "2024-04-30", null);
        opportunity("Gamma", "2024-04-25", 300);
        opportunity("Delta", "2024-03-01", 50);
        opportunity("alpha_2", "2024-05-03", 10);
    }

    @Test
    void dateLiteralsAndRelativeDatesSelectTheRightDays() {
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate = 2024-04-30")).containsExactly("Beta");
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate = TODAY")).containsExactly("Alpha");
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate = YESTERDAY")).containsExactly("Beta");
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate = LAST_N_DAYS:7 ORDER BY CloseDate"))
                .containsExactly("Gamma", "Beta", "Alpha");
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate < LAST_N_DAYS:7")).containsExactly("Delta");
        assertThat(names("SELECT Name FROM Opportunity WHERE CloseDate = NEXT_N_DAYS:5")).containsExactly("alpha_2");
        assertThat(names("SELECT Name FROM Opportunity WHERE CreatedDate >= 2024-05-01T00:00:00Z")).hasSize(5);
        assertThat(names("SELECT Name FROM Opportunity WHERE CreatedDate > 2024-05-01T10:00:00.000+00:00"))
                .isEmpty();
    }

    @Test
    void notNotInAndLikeWithBothWildcards() {
        assertThat(names("SELECT Name FROM Opportunity WHERE NOT Name = 'Alpha' ORDER BY Name"))
                .containsExactly("alpha_2", "Beta", "Delta", "Gamma");
        assertThat(names("SELECT Name FROM Opportunity WHERE Name NOT IN ('Alpha', 'Beta') ORDER BY Name"))
                .containsExactly("alpha_2", "Delta", "Gamma");
        assertThat(names("SELECT Name FROM Opportunity WHERE Name LIKE 'a%' ORDER BY Name"))
                .containsExactly("Alpha", "alpha_2");
        assertThat(names("SELECT Name FROM Opportunity WHERE Name LIKE '_eta'")).containsExactly("Beta");
        assertThat(names("SELECT Name FROM Opportunity WHERE (Amount > 60 OR Amount = null) AND NOT Name LIKE 'G%'"
                + " ORDER BY Name")).containsExactly("Alpha", "Beta");
    }

    @Test
    void longInListsMatchCaseInsensitivelyAsShortOnesDo() {
        // More than eight text values take the sorted-set path; the answer must be the per-value comparison's.
        String many = "'ALPHA', 'beta', 'Nope1', 'Nope2', 'Nope3', 'Nope4', 'Nope5', 'Nope6', 'Nope7', 'GAMMA'";
        assertThat(names("SELECT Name FROM Opportunity WHERE Name IN (" + many + ") ORDER BY Name"))
                .containsExactly("Alpha", "Beta", "Gamma");
        assertThat(names("SELECT Name FROM Opportunity WHERE Name NOT IN (" + many + ") ORDER BY Name"))
                .containsExactly("alpha_2", "Delta");
        assertThat(names("SELECT Name FROM Opportunity WHERE Amount IN (100, 300, 1, 2, 3, 4, 5, 6, 7, 8) ORDER BY Name"))
                .containsExactly("Alpha", "Gamma");
    }

    @Test
    void orderByManyFieldsWithDirectionsNullsAndOffset() {
        assertThat(names("SELECT Name FROM Opportunity ORDER BY Amount DESC NULLS FIRST, Name ASC"))
                .containsExactly("Beta", "Gamma", "Alpha", "Delta", "alpha_2");
        assertThat(names("SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST"))
                .containsExactly("alpha_2", "Delta", "Alpha", "Gamma", "Beta");
        assertThat(names("SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST LIMIT 2 OFFSET 2"))
                .containsExactly("Alpha", "Gamma");
    }

    @Test
    void errorsAreShapedLikeSalesforces() {
        JsonNode unknownField = query("SELECT Bogus FROM Opportunity").json().get(0);
        assertThat(unknownField.get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(unknownField.get("message").asText()).contains("ERROR at Row:1:Column:")
                .contains("No such column 'Bogus' on entity 'Opportunity'");
        JsonNode unknownType = query("SELECT Id FROM Nope").json().get(0);
        assertThat(unknownType.get("errorCode").asText()).isEqualTo("INVALID_TYPE");
        SandboxClient.Response malformed = query("SELECT Id FROM Opportunity WHERE");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
        assertThat(query("SELECT Id FROM Opportunity WHERE Name = LAST_N_DAYS:3").json().get(0).get("errorCode")
                .asText()).isEqualTo("INVALID_FIELD");
    }

    private void opportunity(String name, String closeDate, Integer amount) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(Map.of("Name", name, "StageName", "Prospecting",
                "CloseDate", closeDate));
        if (amount != null) {
            body.put("Amount", amount);
        }
        client.create("Opportunity", body);
    }

    private SandboxClient.Response query(String soql) {
        return client.get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
    }

    private List<String> names(String soql) {
        SandboxClient.Response response = query(soql);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return StreamSupport.stream(response.json().get("records").spliterator(), false)
                .map(r -> r.get("Name").asText()).toList();
    }
}
