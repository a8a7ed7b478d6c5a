package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.generate.EdgeCase;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 4 point 5: seeded, internally consistent data with a configurable share of edge cases. */
class GeneratorEdgeCaseTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient client;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().seed(7).customers(150).products(40).orders(120).edgeCaseRate(0.5)
                .inventoryLocations(4).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void edgeCaseCustomersAppearAtTheConfiguredRate() {
        List<ContactModel> people = sandbox.store().contacts().all().stream()
                .filter(c -> "User".equals(c.typeKey())).toList();

        assertThat(people.stream().filter(c -> c.lastName() == null)).isNotEmpty();
        assertThat(people.stream().filter(c -> c.lastName() != null
                && c.lastName().length() == EdgeCase.NAME_LIMIT)).isNotEmpty();
        assertThat(people.stream().filter(c -> c.lastName() != null
                && c.lastName().length() > EdgeCase.NAME_LIMIT)).isNotEmpty();
        assertThat(people.stream().filter(c -> c.firstName().codePoints().anyMatch(cp -> cp > 0x2FF))).isNotEmpty();
        assertThat(people.stream().filter(c -> c.phone1().contains("(") || c.phone1().contains("ext")
                || c.phone1().matches("\\d{10}"))).isNotEmpty();
        long clean = people.stream().filter(c -> c.lastName() != null && c.lastName().length() < 40
                && c.firstName().codePoints().allMatch(cp -> cp <= 0x2FF)).count();
        assertThat(clean).isBetween(people.size() / 4L, people.size() * 3L / 4);
    }

    @Test
    void unicodeAndLongNamesSurviveTheWireUnchanged() {
        ContactModel longest = sandbox.store().contacts().all().stream()
                .filter(c -> c.lastName() != null && c.lastName().length() > EdgeCase.NAME_LIMIT).findFirst()
                .orElseThrow();
        ContactModel unicode = sandbox.store().contacts().all().stream()
                .filter(c -> c.firstName().codePoints().anyMatch(cp -> cp > 0x2FF)).findFirst().orElseThrow();

        assertThat(client.get("/Contacts/Contact/ID/" + longest.id()).json().get("LastName").asText())
                .isEqualTo(longest.lastName());
        assertThat(client.get("/Contacts/Contact/ID/" + unicode.id()).json().get("FirstName").asText())
                .isEqualTo(unicode.firstName());
    }

    @Test
    void ordersHaveZeroQuantityLinesAndTheirTotalsStillAddUp() {
        List<SalesOrderModel> orders = sandbox.store().salesOrders().all();

        assertThat(orders).hasSize(120);
        assertThat(orders.stream().flatMap(o -> o.salesItems().stream())
                .filter(i -> i.quantity().signum() == 0)).isNotEmpty();
        int mismatched = 0;
        for (SalesOrderModel order : orders) {
            BigDecimal lines = order.salesItems().stream()
                    .map(i -> i.unitSoldPrice().multiply(i.quantity())).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(order.totals().subTotal()).isEqualByComparingTo(lines);
            BigDecimal sum = order.totals().subTotal().add(order.totals().shipping()).add(order.totals().handling())
                    .add(order.totals().fees()).add(order.totals().tax()).subtract(order.totals().discounts());
            if (order.totals().total().compareTo(sum) != 0) {
                // The TOTAL_MISMATCH edge case: only Total (and BalanceDue, which follows it) is off.
                mismatched++;
                assertThat(order.totals().total().toPlainString()).endsWith(".50");
            }
            assertThat(order.balanceDue()).isEqualByComparingTo(order.totals().total());
        }
        // Half the orders get an order edge case, split between the two kinds: about 30 of 120.
        assertThat(mismatched).isBetween(12, 50);
        assertThat(sandbox.store().salesOrderItems().size())
                .isEqualTo(orders.stream().mapToInt(o -> o.salesItems().size()).sum());
    }

    @Test
    void someOrdersNameTheirBillingContactByIdOnlyAndTheContactCanBeFetched() {
        List<SalesOrderModel> byId = sandbox.store().salesOrders().all().stream()
                .filter(o -> o.billingContact() == null).toList();

        assertThat(byId).hasSizeBetween(12, 50);
        for (SalesOrderModel order : byId) {
            JsonNode wire = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();
            assertThat(wire.has("BillingContact")).isFalse();
            assertThat(wire.get("BillingContactID").asInt()).isEqualTo(order.billingContactId());
            assertThat(wire.get("BillingContactKey").asText()).isEqualTo("CON-" + order.billingContactId());
            assertThat(wire.has("ShippingContact")).isEqualTo(!order.shippingSameAsBilling());
            JsonNode contact = client.get("/Contacts/Contact/ID/" + order.billingContactId()).json();
            assertThat(contact.get("TypeKey").asText()).isEqualTo("Billing");
            assertThat(contact.get("Address").get("City").asText()).isNotBlank();
            ContactModel stored = sandbox.store().contacts().byId(order.billingContactId()).orElseThrow();
            if (stored.lastName() != null) {
                assertThat(contact.get("LastName").asText()).isEqualTo(stored.lastName());
            }
        }
        assertThat(sandbox.store().salesOrders().all()).filteredOn(o -> o.billingContact() != null)
                .allSatisfy(o -> assertThat(o.billingContact().id()).isEqualTo(o.billingContactId()));
    }

    @Test
    void orderLinePricesAreThePricesThePriceEndpointServes() {
        SalesItemModel line = sandbox.store().salesOrders().all().getFirst().salesItems().getFirst();
        ProductPrice price = sandbox.products().price(line.productId()).orElseThrow();

        JsonNode served = client.get("/Pricing/Prices/ForProduct/" + line.productId() + "/Quantity/1").json();
        BigDecimal selling = served.at("/Result/SalePrice").isMissingNode()
                ? served.at("/Result/BasePrice").decimalValue() : served.at("/Result/SalePrice").decimalValue();
        assertThat(line.unitSoldPrice()).isEqualByComparingTo(selling).isEqualByComparingTo(price.sellingPrice());
        assertThat(line.unitCorePrice()).isEqualByComparingTo(served.at("/Result/BasePrice").decimalValue());
    }

    @Test
    void stockIsSpreadOverSeveralLocationsAndDiscontinuedProductsHaveNone() {
        JsonNode stock = client.get("/Products/ProductInventoryLocationSectionsForConnect").json();
        Set<Integer> locations = new HashSet<>();
        stock.forEach(row -> locations.add(row.get("InventoryLocationSectionInventoryLocationID").asInt()));

        assertThat(locations).hasSizeGreaterThanOrEqualTo(3);
        assertThat(client.get("/Inventory/InventoryLocations").json().get("TotalCount").asInt()).isEqualTo(4);
        List<Integer> discontinued = sandbox.store().products().all().stream().filter(p -> p.isDiscontinued())
                .map(p -> p.id()).toList();
        assertThat(discontinued).isNotEmpty();
        for (int id : discontinued) {
            assertThat(sandbox.inventory().calculate(id).isOutOfStock()).isTrue();
        }
    }

    @Test
    void theSameSeedAndOptionsGiveTheSameData() {
        Clock clock = Clock.fixed(Instant.parse("2026-01-15T09:30:00Z"), ZoneOffset.UTC);
        try (ClaritySandbox a = ClaritySandbox.builder().clock(clock).seed(3).customers(20).products(10).orders(10)
                .edgeCaseRate(0.3).build();
                ClaritySandbox b = ClaritySandbox.builder().clock(clock).seed(3).customers(20).products(10)
                        .orders(10).edgeCaseRate(0.3).build()) {
            assertThat(a.dump()).isEqualTo(b.dump());
        }
    }
}
