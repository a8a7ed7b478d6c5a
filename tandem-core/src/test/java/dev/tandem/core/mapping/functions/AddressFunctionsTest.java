package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.text;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressFunctionsTest {

    @Test
    void countryCodeReadsAlpha2Alpha3AndNames() {
        assertThat(text("$countryCode('us')")).isEqualTo("US");
        assertThat(text("$countryCode('USA')")).isEqualTo("US");
        assertThat(text("$countryCode('DEU')")).isEqualTo("DE");
        assertThat(text("$countryCode('United States')")).isEqualTo("US");
        assertThat(text("$countryCode('Canada')")).isEqualTo("CA");
        assertThat(text("$countryCode('germany')")).isEqualTo("DE");
    }

    @Test
    void countryCodeReadsNamesInOtherLanguagesAndCommonAliases() {
        assertThat(text("$countryCode('Allemagne')")).isEqualTo("DE");
        assertThat(text("$countryCode('Österreich')")).isEqualTo("AT");
        assertThat(text("$countryCode('Estados Unidos')")).isEqualTo("US");
        assertThat(text("$countryCode('United States of America')")).isEqualTo("US");
        assertThat(text("$countryCode('UK')")).isEqualTo("GB");
        assertThat(text("$countryCode('United Kingdom')")).isEqualTo("GB");
        assertThat(text("$countryCode('Cote d’Ivoire')")).isEqualTo("CI");
        assertThat(text("$countryCode('Bosnia & Herzegovina')")).isEqualTo("BA");
    }

    @Test
    void alpha3AndEnglishNameFromAnyForm() {
        assertThat(text("$countryAlpha3('US')")).isEqualTo("USA");
        assertThat(text("$countryAlpha3('Mexico')")).isEqualTo("MEX");
        assertThat(text("$countryName('DEU')")).isEqualTo("Germany");
    }

    @Test
    void anUnknownCountryIsAnErrorAndIsCountryTestsFirst() {
        assertThatThrownBy(() -> eval("$countryCode('Atlantis')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("$countryCode: 'Atlantis' is not an ISO 3166-1 country code or a known country name");
        assertThatThrownBy(() -> eval("$countryCode('XX')")).hasMessageContaining("'XX'");
        assertThat(eval("$isCountry('Atlantis')").asBoolean()).isFalse();
        assertThat(eval("$isCountry('fr')").asBoolean()).isTrue();
        assertThat(eval("$isCountry(missing)").asBoolean()).isFalse();
    }

    @Test
    void subdivisionCodeReadsUsStatesByNameAndCode() {
        assertThat(text("$subdivisionCode('California')")).isEqualTo("US-CA");
        assertThat(text("$subdivisionCode('tx', 'US')")).isEqualTo("US-TX");
        assertThat(text("$subdivisionCode('US-NY')")).isEqualTo("US-NY");
        assertThat(text("$subdivisionCode('District of Columbia')")).isEqualTo("US-DC");
        assertThat(text("$subdivisionCode('Puerto Rico', 'United States')")).isEqualTo("US-PR");
    }

    @Test
    void subdivisionCodeReadsCanadianProvincesInEnglishAndFrench() {
        assertThat(text("$subdivisionCode('Ontario')")).isEqualTo("CA-ON");
        assertThat(text("$subdivisionCode('Québec')")).isEqualTo("CA-QC");
        assertThat(text("$subdivisionCode('Quebec', 'CAN')")).isEqualTo("CA-QC");
        assertThat(text("$subdivisionCode('Colombie-Britannique')")).isEqualTo("CA-BC");
        assertThat(text("$subdivisionCode('bc', 'Canada')")).isEqualTo("CA-BC");
    }

    @Test
    void stateCodeGivesThePartSalesforceStateCodeTakes() {
        assertThat(text("$stateCode('California')")).isEqualTo("CA");
        assertThat(text("$stateCode('Nova Scotia', 'CA')")).isEqualTo("NS");
        assertThat(text("$subdivisionName('US-WA')")).isEqualTo("Washington");
    }

    @Test
    void theCountryDisambiguatesACodeAndMustAgreeWithAFullCode() {
        // "CA" is California's code only; with country CA it is not a province
        assertThatThrownBy(() -> eval("$subdivisionCode('CA', 'CA')"))
                .hasMessageContaining("'CA' is not a known subdivision of CA");
        assertThatThrownBy(() -> eval("$subdivisionCode('US-CA', 'Canada')"))
                .hasMessageContaining("'US-CA' is not a subdivision of Canada");
    }

    @Test
    void anUnknownSubdivisionOrCountryWithoutDataIsAnError() {
        assertThatThrownBy(() -> eval("$subdivisionCode('Narnia')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("'Narnia' is not a known subdivision");
        assertThatThrownBy(() -> eval("$subdivisionCode('Bavaria', 'DE')"))
                .hasMessageContaining("no ISO 3166-2 subdivision data for DE");
    }

    @Test
    void undefinedGivesUndefined() {
        assertThat(undefined(eval("$countryCode(address.country)"))).isTrue();
        assertThat(undefined(eval("$subdivisionCode('')"))).isTrue();
        assertThat(undefined(eval("$stateCode(null, 'US')"))).isTrue();
    }
}
