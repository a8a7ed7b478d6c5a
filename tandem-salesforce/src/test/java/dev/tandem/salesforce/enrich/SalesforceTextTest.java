package dev.tandem.salesforce.enrich;

import dev.tandem.salesforce.client.PathSegments;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceTextTest {

    @Test
    void soqlStringLiteralsEscapeQuotesAndBackslashes() {
        assertThat(PricebookEntryResolver.soqlString("O'Brien\\x")).isEqualTo("'O\\'Brien\\\\x'");
    }

    @Test
    void externalIdPathSegmentsArePercentEncoded() {
        assertThat(PathSegments.encode("SKU 1/2+é")).isEqualTo("SKU%201%2F2%2B%C3%A9");
    }
}
