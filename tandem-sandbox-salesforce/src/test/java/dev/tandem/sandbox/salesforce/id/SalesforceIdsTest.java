package dev.tandem.sandbox.salesforce.id;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SalesforceIdsTest {

    @Test
    void checksumMatchesTheDocumentedExample() {
        // Spec §2.5 record URL: 001D000000IRFmaIAH.
        assertThat(SalesforceIds.to18("001D000000IRFma")).isEqualTo("001D000000IRFmaIAH");
    }

    @Test
    void fifteenAndEighteenCharacterFormsNormalizeToTheSameId() {
        assertThat(SalesforceIds.normalize("001D000000IRFma")).contains("001D000000IRFmaIAH");
        assertThat(SalesforceIds.normalize("001D000000IRFmaiah")).contains("001D000000IRFmaIAH");
    }

    @Test
    void wrongChecksumLengthOrCharactersAreNotIds() {
        assertThat(SalesforceIds.normalize("001D000000IRFmaAAA")).isEmpty();
        assertThat(SalesforceIds.normalize("001D000000IRFm")).isEmpty();
        assertThat(SalesforceIds.normalize("001D000000IRF-a")).isEmpty();
        assertThat(SalesforceIds.normalize("001D000000IRFma", "003")).isEmpty();
    }

    @Test
    void generatedIdsCarryThePrefixAndAValidChecksum() {
        IdGenerator generator = new IdGenerator(0);

        String id = generator.next("801");

        assertThat(id).hasSize(18).startsWith("801");
        assertThat(SalesforceIds.normalize(id, "801")).contains(id);
        assertThat(generator.next("801")).isNotEqualTo(id);
    }
}
