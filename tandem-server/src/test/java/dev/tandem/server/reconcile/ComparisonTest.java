package dev.tandem.server.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a planned value is compared with Salesforce's, and how a report cell is written. */
class ComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode j(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void numbersCompareByValueNotByScale() throws Exception {
        assertThat(Reconciliation.same(j("10"), j("10.00"))).isTrue();
        assertThat(Reconciliation.same(j("149.5"), j("149.50"))).isTrue();
        assertThat(Reconciliation.same(j("149.5"), j("149.51"))).isFalse();
    }

    @Test
    void emptyTextIsTheSameAsNoValueButAValueIsNotNoValue() throws Exception {
        assertThat(Reconciliation.same(j("\"\""), j("null"))).isTrue();
        assertThat(Reconciliation.same(j("null"), null)).isTrue();
        assertThat(Reconciliation.same(j("\"EA\""), j("null"))).isFalse();
    }

    @Test
    void timesCompareByInstantAndTextExactly() throws Exception {
        assertThat(Reconciliation.same(j("\"2026-01-31T08:00:00Z\""), j("\"2026-01-31T08:00:00.000+0000\""))).isTrue();
        assertThat(Reconciliation.same(j("\"2026-01-31\""), j("\"2026-01-31\""))).isTrue();
        assertThat(Reconciliation.same(j("\"a@x.com\""), j("\"A@x.com\""))).as("case is a difference").isFalse();
        assertThat(Reconciliation.same(j("true"), j("true"))).isTrue();
        assertThat(Reconciliation.same(j("true"), j("false"))).isFalse();
    }

    @Test
    void aCellASpreadsheetWouldRunAsAFormulaGetsAnApostropheNegativeNumbersDoNot() {
        assertThat(ReconcileReport.cell("=1+1")).isEqualTo("'=1+1");
        assertThat(ReconcileReport.cell("+cmd")).isEqualTo("'+cmd");
        assertThat(ReconcileReport.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(ReconcileReport.cell("-x")).isEqualTo("'-x");
        assertThat(ReconcileReport.cell("-12.5")).isEqualTo("-12.5");
        assertThat(ReconcileReport.cell(null)).isEmpty();
    }

    @Test
    void controlCharactersAreShownNotSentToTheTerminal() {
        assertThat(ReconcileReport.printable("a\u001b[31mb\n")).isEqualTo("a\\u001b[31mb\\u000a");
    }

    @Test
    void unknownObjectsAreNamedWithTheKnownOnes() {
        assertThat(ReconcileObject.parse(" Products ")).isEqualTo(ReconcileObject.PRODUCTS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReconcileObject.parse("all"))
                .hasMessageContaining("customers, products, inventory, orders");
    }
}
