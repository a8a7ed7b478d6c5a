package dev.tandem.clarity.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.event.InboundEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClarityWebhookParserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-26T16:00:00Z");
    private static final String ORDER_CREATED = """
            {"EventID":"4f1c2b8e-6f4e-4b7e-9a51-1d2f0c9e7a10","EventType":"SalesOrder.Created","Entity":"SalesOrder",
             "ID":5001,"CustomKey":"SO-5001","OccurredAt":"2026-11-26T15:04:05.123Z","Hash":-4523312311}""";

    private final ClarityWebhookParser parser = new ClarityWebhookParser(Clock.fixed(NOW, ZoneOffset.UTC));

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode orderCreated() {
        try {
            return (ObjectNode) JSON.readTree(ORDER_CREATED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void assertInvalid(String body, String expectedMessage) {
        assertThatThrownBy(() -> parser.parse(bytes(body)))
                .isInstanceOf(InvalidWebhookException.class)
                .hasMessageContaining(expectedMessage);
    }

    @Test
    void readsAnOrderCreatedEvent() {
        InboundEvent event = parser.parse(bytes(ORDER_CREATED));

        assertThat(event.source()).isEqualTo("clarity");
        assertThat(event.sourceEventId()).isEqualTo("4f1c2b8e-6f4e-4b7e-9a51-1d2f0c9e7a10");
        assertThat(event.type()).isEqualTo("SalesOrder.Created");
        assertThat(event.entity()).isEqualTo("SalesOrder");
        assertThat(event.entityId()).isEqualTo("5001");
        assertThat(event.entityKey()).isEqualTo("SO-5001");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-11-26T15:04:05.123Z"));
        assertThat(event.payload()).isEqualTo(ORDER_CREATED);
    }

    @Test
    void acceptsTheIdAsAStringOfDigits() {
        assertThat(parser.parse(bytes(orderCreated().put("ID", "5001").toString())).entityId()).isEqualTo("5001");
    }

    @Test
    void withoutOccurredAtTheEventHappenedNow() {
        ObjectNode body = orderCreated();
        body.remove("OccurredAt");

        assertThat(parser.parse(bytes(body.toString())).occurredAt()).isEqualTo(NOW);
    }

    @Test
    void acceptsOccurredAtWithAnOffset() {
        assertThat(parser.parse(bytes(orderCreated().put("OccurredAt", "2026-11-26T17:04:05+02:00").toString())).occurredAt())
                .isEqualTo(Instant.parse("2026-11-26T15:04:05Z"));
    }

    @Test
    void optionalFieldsMayBeAbsent() {
        InboundEvent event = parser.parse(bytes("""
                {"EventID":"e1","EventType":"Product.Updated","Entity":"Product","ID":301}"""));

        assertThat(event.entityKey()).isEmpty();
    }

    @Test
    void keepsExtraFieldsInThePayload() {
        String body = """
                {"EventID":"e2","EventType":"SalesOrder.StatusChanged","Entity":"SalesOrder","ID":5001,
                 "OldStatusKey":"Pending","NewStatusKey":"Confirmed"}""";

        assertThat(parser.parse(bytes(body)).payload()).contains("\"NewStatusKey\":\"Confirmed\"");
    }

    @Test
    void keepsUnicodeIntact() {
        String body = """
                {"EventID":"évènement-1","EventType":"Customer.Updated","Entity":"Account","ID":1001,"CustomKey":"KUNDE-Müller-東京-🚀"}""";

        InboundEvent event = parser.parse(bytes(body));

        assertThat(event.entityKey()).isEqualTo("KUNDE-Müller-東京-🚀");
        assertThat(event.sourceEventId()).isEqualTo("évènement-1");
        assertThat(event.payload()).isEqualTo(body);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EventID", "EventType", "Entity", "ID"})
    void aMissingRequiredFieldIsNamed(String field) {
        ObjectNode body = orderCreated();
        body.remove(field);

        assertInvalid(body.toString(), "missing field: " + field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EventID", "EventType", "Entity", "ID"})
    void aNullRequiredFieldIsMissing(String field) {
        ObjectNode body = orderCreated();
        body.putNull(field);

        assertInvalid(body.toString(), "missing field: " + field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EventID", "EventType", "Entity", "ID"})
    void aBlankRequiredFieldIsMissing(String field) {
        assertInvalid(orderCreated().put(field, "  ").toString(), "missing field: " + field);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EventID    | 42           | invalid field: EventID",
            "EventType  | true         | invalid field: EventType",
            "Entity     | {}           | invalid field: Entity",
            "ID         | 5001.5       | invalid field: ID",
            "ID         | \"50a1\"     | invalid field: ID",
            "ID         | -7           | invalid field: ID",
            "ID         | true         | invalid field: ID",
            "ID         | [5001]       | invalid field: ID",
            "CustomKey  | 7            | invalid field: CustomKey",
            "OccurredAt | 1795000000   | invalid field: OccurredAt",
            "OccurredAt | \"yesterday\" | invalid field: OccurredAt",
            "Hash       | \"abc\"      | invalid field: Hash"})
    void aFieldOfTheWrongTypeIsNamed(String field, String jsonValue, String message) throws Exception {
        ObjectNode body = orderCreated();
        body.set(field, JSON.readTree(jsonValue));

        assertInvalid(body.toString(), message);
    }

    @ParameterizedTest
    @CsvSource({"EventID, 200", "EventType, 100", "Entity, 100", "CustomKey, 255", "OccurredAt, 64"})
    void aFieldOverItsLimitIsRefusedNamingTheLimit(String field, int limit) {
        assertThat(parser.parse(bytes(orderCreated().put("EventID", "e".repeat(200)).toString())).sourceEventId())
                .hasSize(200);

        assertInvalid(orderCreated().put(field, "x".repeat(limit + 1)).toString(),
                "invalid field: " + field + " is " + (limit + 1) + " characters long; the limit is " + limit);
    }

    @Test
    void aNineHundredKilobyteEventIdIsRefused() {
        assertInvalid(orderCreated().put("EventID", "a".repeat(900 * 1024)).toString(),
                "invalid field: EventID is 921600 characters long");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"EventID\":", "not json", "{\"EventID\":\"a\"} trailing", "\"a string\"", "[1,2]", "42", "", "   "})
    void aBodyThatIsNotOneJsonObjectIsInvalid(String body) {
        assertThatThrownBy(() -> parser.parse(bytes(body))).isInstanceOf(InvalidWebhookException.class)
                .satisfiesAnyOf(
                        e -> assertThat(e).hasMessageStartingWith("malformed JSON"),
                        e -> assertThat(e).hasMessage("the body must be a JSON object"));
    }

    @Test
    void aRepeatedKeyIsRejectedAsAmbiguous() {
        assertInvalid("""
                {"EventID":"e1","EventID":"e2","EventType":"SalesOrder.Created","Entity":"SalesOrder","ID":1}""",
                "malformed JSON");
    }

    @Test
    void bytesThatAreNotUtf8AreInvalid() {
        byte[] body = {'{', '"', 'E', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        assertThatThrownBy(() -> parser.parse(body)).isInstanceOf(InvalidWebhookException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void aBodyOverOneMebibyteIsRejectedWithItsOwnException() {
        String padding = "x".repeat(ClarityWebhookParser.MAX_BODY_BYTES);
        byte[] body = bytes(orderCreated().put("Padding", padding).toString());

        assertThatThrownBy(() -> parser.parse(body))
                .isInstanceOfSatisfying(WebhookPayloadTooLargeException.class,
                        e -> assertThat(e.size()).isEqualTo(body.length));
    }
    @Test
    void readsAContactUpdatedEventWithTheContactAsItsEntity() {
        String body = """
                {"EventID":"c-1","EventType":"Customer.Updated","Entity":"Contact","ID":9001,"CustomKey":"CON-9001",
                 "OccurredAt":"2026-11-26T15:04:05Z","Hash":77}""";

        InboundEvent event = parser.parse(bytes(body));

        assertThat(event.type()).isEqualTo("Customer.Updated");
        assertThat(event.entity()).isEqualTo("Contact");
        assertThat(event.entityId()).isEqualTo("9001");
        assertThat(event.entityKey()).isEqualTo("CON-9001");
        assertThat(event.payload()).isEqualTo(body);
    }

    @ParameterizedTest
    @CsvSource({"Customer.Created, User", "Customer.Created, Account", "Customer.Created, Contact",
            "Customer.Updated, User", "Customer.Updated, Account", "Customer.Updated, Contact"})
    void everyCustomerEntityIsAcceptedWithBothCustomerTypes(String type, String entity) {
        ObjectNode body = orderCreated().put("EventType", type).put("Entity", entity).put("ID", 2001)
                .put("CustomKey", "K-2001");

        InboundEvent event = parser.parse(bytes(body.toString()));

        assertThat(event.type()).isEqualTo(type);
        assertThat(event.entity()).isEqualTo(entity);
        assertThat(event.entityId()).isEqualTo("2001");
        assertThat(event.entityKey()).isEqualTo("K-2001");
    }

    @Test
    void aCustomerWithoutACustomKeyHasAnEmptyEntityKey() {
        InboundEvent event = parser.parse(bytes("""
                {"EventID":"c-2","EventType":"Customer.Updated","Entity":"Contact","ID":9002}"""));

        assertThat(event.entityKey()).isEmpty();
        assertThat(event.entityId()).isEqualTo("9002");
    }

    @Test
    void aCustomerEventWithoutAnIdIsMissingItsId() {
        assertInvalid("""
                {"EventID":"c-3","EventType":"Customer.Updated","Entity":"Contact","CustomKey":"CON-9003"}""",
                "missing field: ID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Contact.Updated", "Customer.Deleted", "customer.updated", "SalesOrder.Shipped"})
    void anEventTypeOutsideTheCatalogueIsRefusedByName(String type) {
        assertInvalid(orderCreated().put("EventType", type).toString(),
                "invalid field: EventType '" + type + "' is not a Clarity event type");
    }

    @ParameterizedTest
    @CsvSource({"SalesOrder.Created, Contact", "SalesOrder.StatusChanged, Account", "Customer.Updated, SalesOrder",
            "Customer.Created, Product", "Customer.Updated, contact", "Customer.Updated, Widget",
            "Inventory.Changed, Product", "Product.Updated, User"})
    void anEntityThatDoesNotGoWithTheTypeIsRefused(String type, String entity) {
        assertInvalid(orderCreated().put("EventType", type).put("Entity", entity).toString(),
                "invalid field: Entity '" + entity + "' does not go with " + type);
    }

    @Test
    void aHugeUnknownEventTypeIsQuotedOnlyInPart() {
        String type = "X".repeat(100_000);

        assertThatThrownBy(() -> parser.parse(bytes(orderCreated().put("EventType", type).toString())))
                .isInstanceOf(InvalidWebhookException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    private static final String INVENTORY_CHANGED = """
            {"EventID":"inv-1","EventType":"Inventory.Changed","Entity":"ProductInventoryLocationSection","ID":88,
             "CustomKey":"WID-1@MAIN-A1","ProductID":301,"ProductKey":"WID-1","Quantity":150}""";

    @Test
    void readsAnInventoryChangedEventWithItsProduct() {
        InboundEvent event = parser.parse(bytes(INVENTORY_CHANGED));

        assertThat(event.entity()).isEqualTo("ProductInventoryLocationSection");
        assertThat(event.entityId()).isEqualTo("88");
        assertThat(event.payload()).contains("\"ProductID\":301");
    }

    @Test
    void anInventoryChangedEventWithoutItsProductIsRefused() {
        assertInvalid(INVENTORY_CHANGED.replace("\"ProductID\":301,", ""), "missing field: ProductID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "-4", "1.5", "{}", "\"301; DROP\""})
    void anInventoryChangedEventWithAMalformedProductIdIsRefused(String productId) {
        assertThatThrownBy(() -> parser.parse(bytes(INVENTORY_CHANGED.replace("\"ProductID\":301",
                "\"ProductID\":" + productId))))
                .isInstanceOf(InvalidWebhookException.class)
                .hasMessageContaining("ProductID");
    }
}
