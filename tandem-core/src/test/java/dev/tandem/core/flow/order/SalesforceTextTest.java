package dev.tandem.core.flow.order;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SalesforceTextTest {

    @Test
    void soqlStringLiteralsEscapeQuotesAndBackslashes() {
        assertThat(PricebookEntryResolver.soqlString("O'Brien\\x")).isEqualTo("'O\\'Brien\\\\x'");
    }

    @Test
    void externalIdPathSegmentsArePercentEncoded() {
        assertThat(SalesforcePaths.encode("SKU 1/2+é")).isEqualTo("SKU%201%2F2%2B%C3%A9");
    }
}
