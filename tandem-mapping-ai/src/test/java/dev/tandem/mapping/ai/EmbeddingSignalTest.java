package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-process model: related field descriptions are closer than unrelated ones; texts built from path and samples. */
class EmbeddingSignalTest {

    @Test
    void relatedFieldsAreCloserThanUnrelatedOnes() {
        EmbeddingSignal e = EmbeddingSignal.load();
        double related = e.score("customer telephone: +1 512 555 0100", "phone (Business Phone)");
        double unrelated = e.score("customer telephone: +1 512 555 0100", "product family (Product Family)");
        assertThat(related).isGreaterThan(unrelated + 0.1);
        assertThat(e.score("same text", "same text")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void theTokenizerLibraryIsToldToStayOfflineWithoutTelemetry() {
        EmbeddingSignal.load();
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    }

    @Test
    void textsAreThePathInWordsWithUpToThreeSamplesAndTheTargetNameWithItsLabel() {
        var f = JsonNodeFactory.instance;
        SourceField zip = new SourceField("default_address.zip", List.of("default_address", "zip"),
                List.of(f.textNode("78701"), f.textNode("80202"), f.textNode("78701"), f.textNode("10001"), f.textNode("94103")), 5);
        assertThat(EmbeddingSignal.sourceText(zip)).isEqualTo("default address postal code: 78701, 80202, 10001");
        assertThat(EmbeddingSignal.targetText(SignalsTest.field("MailingPostalCode", "Mailing Zip/Postal Code", "string", 20)))
                .isEqualTo("mailing postal code (Mailing Zip/Postal Code)");
    }
}
