package dev.tandem.server.config;

import dev.tandem.core.config.ConfigException;
import dev.tandem.salesforce.duplicates.MatchRules;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code salesforce.match} in tandem.yaml: the duplicate-match rules, read and checked when Tandem starts. */
class MatchRulesConfigTest {

    private static final String MINIMAL = """
            clarity:
              baseUrl: https://shop.example.com/DesktopModules/ClarityEcommerce/API
              username: tandem
              password: pw
              webhook:
                secrets: [ "whsec" ]
            salesforce:
              tokenUrl: https://acme.my.salesforce.com/services/oauth2/token
              clientId: 3MVG9abc
              clientSecret: secret
            """;

    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    private TandemConfig parse(String match) {
        return loader.parse(MINIMAL + "  match:\n" + match.indent(4), "tandem.yaml");
    }

    @Test
    void withoutTheSectionTheDefaultRulesApply() {
        MatchRules rules = loader.parse(MINIMAL, "tandem.yaml").salesforce().match();

        assertThat(rules).isEqualTo(MatchRules.defaults());
        assertThat(rules.rules("Contact")).containsExactly(List.of("Email"),
                List.of("FirstName", "LastName", "MailingPostalCode"));
        assertThat(rules.rules(MatchRules.PERSON_ACCOUNT)).containsExactly(List.of("PersonEmail"),
                List.of("FirstName", "LastName", "PersonMailingPostalCode"));
    }

    @Test
    void anObjectsRulesReplaceItsDefaultsAndTheOthersKeepTheirs() {
        MatchRules rules = parse("""
                Contact: [[Email], [LastName, MailingPostalCode], Phone]
                Account: [[Name, BillingPostalCode, BillingCity]]
                """).salesforce().match();

        assertThat(rules.rules("Contact")).containsExactly(List.of("Email"), List.of("LastName", "MailingPostalCode"),
                List.of("Phone"));
        assertThat(rules.rules("Account")).containsExactly(List.of("Name", "BillingPostalCode", "BillingCity"));
        assertThat(rules.rules(MatchRules.PERSON_ACCOUNT)).isEqualTo(MatchRules.defaults()
                .rules(MatchRules.PERSON_ACCOUNT));
    }

    @Test
    void anEmptyListTurnsMatchingOfThatObjectOff() {
        MatchRules rules = parse("Account: []\n").salesforce().match();

        assertThat(rules.rules("Account")).isEmpty();
        assertThat(rules.rules("Contact")).isNotEmpty();
    }

    @Test
    void anUnknownObjectIsNamed() {
        assertThatThrownBy(() -> parse("Lead: [[Email]]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.match.Lead");
    }

    @Test
    void aBadFieldApiNameIsNamedWithItsPosition() {
        assertThatThrownBy(() -> parse("Contact: [[Email], [\"LastName) OR (Id != null\"]]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("salesforce.match.Contact[1][0]")
                .hasMessageContaining("must be a Salesforce field API name");
        assertThatThrownBy(() -> parse("Contact: [[\"" + "X".repeat(81) + "\"]]\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.match.Contact[0][0]");
    }

    @Test
    void anEmptyOrRepeatingRuleIsRefused() {
        assertThatThrownBy(() -> parse("Contact: [[Email], []]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("salesforce.match.Contact").hasMessageContaining("empty rule at [1]");
        assertThatThrownBy(() -> parse("Account: [[Name, Name]]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("salesforce.match.Account").hasMessageContaining("names a field twice");
    }

    @Test
    void aMappingWhereRulesBelongIsRefused() {
        assertThatThrownBy(() -> parse("Contact: { Email: true }\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("salesforce.match.Contact");
    }
}
