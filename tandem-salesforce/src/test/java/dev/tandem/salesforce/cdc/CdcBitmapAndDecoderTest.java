package dev.tandem.salesforce.cdc;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CdcBitmapAndDecoderTest {

    private static final Schema SCHEMA = TestChangeEvents.ACCOUNT_SCHEMA;

    @Test
    void theSpecsExampleBitmapDecodesToItsPositions() {
        // salesforce-api.md §4.5: 0x650004E0 ⇒ positions [5, 6, 7, 10, 24, 26, 29, 30]
        StringBuilder fields = new StringBuilder("{\"type\":\"record\",\"name\":\"Wide\",\"fields\":[");
        for (int i = 0; i < 32; i++) {
            fields.append(i == 0 ? "" : ",").append("{\"name\":\"F").append(i).append("\",\"type\":\"string\"}");
        }
        Schema wide = new Schema.Parser().parse(fields.append("]}").toString());

        assertThat(ChangeEventBitmaps.fieldNames(wide, List.of("0x650004E0")))
                .containsExactly("F5", "F6", "F7", "F10", "F24", "F26", "F29", "F30");
    }

    @Test
    void topLevelAndCompoundFieldsRoundTrip() {
        List<String> names = List.of("Name", "AnnualRevenue", "LastModifiedDate", "BillingAddress.City",
                "BillingAddress.State");

        List<String> bitmap = TestChangeEvents.bitmap(SCHEMA, names);

        assertThat(bitmap).containsExactly("0x4A", "4-0x06");
        assertThat(ChangeEventBitmaps.fieldNames(SCHEMA, bitmap)).containsExactlyInAnyOrderElementsOf(names);
    }

    @Test
    void aCompoundFieldWithEverySubFieldSetIsReportedByItsName() {
        List<String> bitmap = TestChangeEvents.bitmap(SCHEMA, List.of("BillingAddress"));

        assertThat(bitmap).containsExactly("0x00", "4-0x1F");
        assertThat(ChangeEventBitmaps.fieldNames(SCHEMA, bitmap)).containsExactly("BillingAddress");
    }

    @Test
    void emptyBitmapsAndLowercaseHexDecode() {
        assertThat(ChangeEventBitmaps.fieldNames(SCHEMA, List.of())).isEmpty();
        assertThat(ChangeEventBitmaps.fieldNames(SCHEMA, List.of("0x02"))).containsExactly("Name");
        assertThat(ChangeEventBitmaps.fieldNames(SCHEMA, List.of("0x00", "4-0x2"))).containsExactly(
                "BillingAddress.City");
    }

    @Test
    void aBitBeyondTheSchemaOrOnANonCompoundFieldIsRefused() {
        assertThatThrownBy(() -> ChangeEventBitmaps.fieldNames(SCHEMA, List.of("0x0100")))
                .hasMessageContaining("position 8");
        assertThatThrownBy(() -> ChangeEventBitmaps.fieldNames(SCHEMA, List.of("0x00", "1-0x01")))
                .hasMessageContaining("not a compound field");
    }

    @Test
    void anUpdateDecodesWithHeaderChangedAndNulledFieldsAndTheSchemaIsFetchedOncePerId() {
        AtomicInteger fetches = new AtomicInteger();
        ChangeEventDecoder decoder = new ChangeEventDecoder(id -> {
            fetches.incrementAndGet();
            return TestChangeEvents.ACCOUNT_SCHEMA_JSON;
        });
        byte[] payload = TestChangeEvents.account().origin("com/salesforce/api/rest/64.0;client=tandem")
                .set("Name", "Acme").city("Paris").nulled("Description").encode();

        ChangeEvent event = decoder.decode("/data/AccountChangeEvent", new byte[]{0, 0, 0, 0, 0, 0, 0, 7},
                TestChangeEvents.ACCOUNT_SCHEMA_ID, payload);
        decoder.decode("/data/AccountChangeEvent", new byte[]{8}, TestChangeEvents.ACCOUNT_SCHEMA_ID, payload);

        assertThat(fetches).hasValue(1);
        assertThat(event.replayId()).isEqualTo("0000000000000007");
        assertThat(event.entityName()).isEqualTo("Account");
        assertThat(event.changeType()).isEqualTo("UPDATE");
        assertThat(event.originClient()).isEqualTo("tandem");
        assertThat(event.changedFields()).containsExactlyInAnyOrder("Name", "Description", "LastModifiedDate",
                "BillingAddress.City");
        assertThat(event.nulledFields()).containsExactly("Description");
        assertThat(event.fields().path("Name").asText()).isEqualTo("Acme");
        assertThat(event.fields().path("BillingAddress").path("City").asText()).isEqualTo("Paris");
        assertThat(event.fields().has("Description")).isTrue();
        assertThat(event.fields().get("Description").isNull()).isTrue();
        assertThat(event.fields().has("Phone")).isFalse();
    }

    @Test
    void theClientIdIsReadFromChangeOrigin() {
        ChangeEventDecoder decoder = new ChangeEventDecoder(id -> TestChangeEvents.ACCOUNT_SCHEMA_JSON);
        for (var origin : List.of(
                List.of("com/salesforce/api/soap/49.0;client=Astro", "Astro"),
                List.of("com/salesforce/api/soap/51.0;client=SfdcInternalAPI/", "SfdcInternalAPI"),
                List.of("com.salesforce.core", ""))) {
            byte[] payload = TestChangeEvents.account().origin(origin.get(0)).set("Name", "x").encode();
            assertThat(decoder.decode("t", new byte[]{1}, "s", payload).originClient()).isEqualTo(origin.get(1));
        }
    }

    @Test
    void aPayloadThatIsNotAvroIsRefusedWithTheReplayId() {
        ChangeEventDecoder decoder = new ChangeEventDecoder(id -> TestChangeEvents.ACCOUNT_SCHEMA_JSON);

        assertThatThrownBy(() -> decoder.decode("t", new byte[]{0x0a}, "s", new byte[]{(byte) 0xff, 1}))
                .hasMessageContaining("0a").hasMessageContaining("not a valid Avro datum");
    }
}
