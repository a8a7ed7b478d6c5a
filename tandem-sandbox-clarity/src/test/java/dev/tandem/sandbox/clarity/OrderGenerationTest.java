package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.CartTotals;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import java.math.BigDecimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seeded generator: realistic customers and catalogue, orders whose totals add up, and the bad-data kinds. */
class OrderGenerationTest {

    static {
        QuietLogging.install();
    }

    private static ClaritySandbox sandbox(long seed) {
        return ClaritySandbox.builder().seed(seed).customers(30).products(25).build();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 42, 20_260_101})
    void totalsOfTwoHundredOrdersAreConsistentToTheCent(long seed) {
        try (ClaritySandbox sb = sandbox(seed)) {
            int previousId = 5000;
            for (int i = 0; i < 200; i++) {
                SalesOrderRef ref = sb.orders().createRandomOrder();
                SalesOrderModel order = sb.orders().find(ref.id()).orElseThrow();

                assertThat(ref.id()).isGreaterThan(previousId);
                previousId = ref.id();
                assertThat(ref.customKey()).isEqualTo("SO-" + ref.id());
                assertConsistent(sb, order);
            }
        }
    }

    private static void assertConsistent(ClaritySandbox sb, SalesOrderModel order) {
        List<SalesItemModel> items = order.salesItems();
        CartTotals t = order.totals();
        assertThat(items).hasSizeBetween(1, 5);
        assertThat(items).extracting(SalesItemModel::productId).doesNotHaveDuplicates();
        BigDecimal subTotal = BigDecimal.ZERO;
        BigDecimal quantity = BigDecimal.ZERO;
        for (int line = 0; line < items.size(); line++) {
            SalesItemModel item = items.get(line);
            ProductPrice price = sb.store().price(item.productId()).orElseThrow();
            assertThat(item.quantity().intValueExact()).isBetween(1, 5);
            assertThat(item.unitCorePrice()).isEqualByComparingTo(price.basePrice());
            assertThat(item.unitSoldPrice()).isEqualByComparingTo(price.sellingPrice());
            assertThat(price.basePrice()).isBetween(new BigDecimal("5.00"), new BigDecimal("500.00"));
            assertThat(item.customKey()).isEqualTo(order.customKey() + "-" + (line + 1));
            assertThat(item.masterId()).isEqualTo(order.id());
            subTotal = subTotal.add(item.unitSoldPrice().multiply(item.quantity()));
            quantity = quantity.add(item.quantity());
        }
        assertThat(t.subTotal()).isEqualByComparingTo(subTotal);
        assertThat(order.itemQuantity()).isEqualByComparingTo(quantity);
        assertThat(t.total()).isEqualByComparingTo(t.subTotal().add(t.shipping()).add(t.handling()).add(t.fees())
                .add(t.tax()).subtract(t.discounts()));
        assertThat(t.total().signum()).isPositive();
        assertThat(order.balanceDue()).isEqualByComparingTo(t.total());
        assertThat(List.of(t.subTotal(), t.shipping(), t.handling(), t.fees(), t.discounts(), t.tax(), t.total()))
                .allSatisfy(amount -> assertThat(amount.scale()).isEqualTo(2));
        assertThat(order.billingContact().lastName()).isNotBlank();
        assertThat(order.accountKey()).isEqualTo(sb.store().accounts().byId(order.accountId()).orElseThrow()
                .customKey());
    }

    @Test
    void aboutThirtyPercentOfOrdersComeFromNewCustomers() {
        try (ClaritySandbox sb = sandbox(5)) {
            int before = sb.store().accounts().size();

            sb.orders().createRandomOrders(200, BadData.NONE);

            int newCustomers = sb.store().accounts().size() - before;
            assertThat(newCustomers).isBetween(40, 80);
        }
    }

    @Test
    void sameSeedGivesTheSameData() {
        try (ClaritySandbox a = sandbox(99); ClaritySandbox b = sandbox(99)) {
            List<SalesOrderRef> ordersA = a.orders().createRandomOrders(20, BadData.NONE);
            List<SalesOrderRef> ordersB = b.orders().createRandomOrders(20, BadData.NONE);

            assertThat(ordersA).isEqualTo(ordersB);
            assertThat(hashes(a.store().accounts().all())).isEqualTo(hashes(b.store().accounts().all()));
            assertThat(ordersA).allSatisfy(ref -> assertThat(a.orders().find(ref.id()).orElseThrow().hash())
                    .isEqualTo(b.orders().find(ref.id()).orElseThrow().hash()));
        }
    }

    @Test
    void differentSeedsGiveDifferentData() {
        try (ClaritySandbox a = sandbox(1); ClaritySandbox b = sandbox(2)) {
            assertThat(hashes(a.store().accounts().all())).isNotEqualTo(hashes(b.store().accounts().all()));
        }
    }

    @Test
    void customersComeFromSeveralCountriesAndSomeNamesAreNotAscii() {
        try (ClaritySandbox sb = ClaritySandbox.builder().seed(42).customers(60).products(5).build()) {
            List<ContactModel> contacts = sb.store().contacts().all();
            Set<String> countries = contacts.stream().map(c -> c.address().countryCode()).collect(Collectors.toSet());

            assertThat(countries).hasSizeGreaterThanOrEqualTo(4).contains("USA");
            assertThat(contacts).anyMatch(c -> !c.fullName().chars().allMatch(ch -> ch < 128));
            assertThat(contacts).allSatisfy(c -> {
                assertThat(c.email1()).matches("[a-z0-9.]+@[a-z0-9.]+");
                assertThat(c.phone1()).startsWith("+");
                assertThat(c.address().postalCode()).isNotBlank();
            });
            assertThat(sb.store().accounts().all()).extracting(AccountModel::customKey)
                    .startsWith("CUST-00001", "CUST-00002");
        }
    }

    @Test
    void missingLastNameOrderComesFromANewCustomerWithoutLastNameAnywhere() {
        try (ClaritySandbox sb = sandbox(8).start()) {
            int accountsBefore = sb.store().accounts().size();
            SalesOrderRef ref = sb.orders().createRandomOrder(BadData.MISSING_LAST_NAME);
            ClarityTestClient client = new ClarityTestClient(sb.baseUrl()).withBasic(sb.user(), sb.password());

            JsonNode order = client.get("/Ordering/SalesOrder/ID/" + ref.id()).json();
            JsonNode user = client.get("/Contacts/User/ID/" + order.get("UserID").asInt()).json();

            assertThat(sb.store().accounts().size()).isEqualTo(accountsBefore + 1);
            assertThat(order.get("BillingContact").has("LastName")).isFalse();
            assertThat(order.get("BillingContact").get("FirstName").asText()).isNotBlank();
            assertThat(order.has("UserContactLastName")).isFalse();
            assertThat(user.has("ContactLastName")).isFalse();
            assertThat(user.get("Contact").has("LastName")).isFalse();
            assertThat(order.get("SalesItems")).isNotEmpty();
        }
    }

    @Test
    void negativeTotalOrderHasADiscountLargerThanTheOrder() {
        try (ClaritySandbox sb = sandbox(9)) {
            SalesOrderModel order = sb.orders().find(sb.orders().createRandomOrder(BadData.NEGATIVE_TOTAL).id())
                    .orElseThrow();
            CartTotals t = order.totals();

            assertThat(t.total().signum()).isNegative();
            assertThat(t.discounts()).isGreaterThan(t.subTotal());
            assertThat(t.total()).isEqualByComparingTo(t.subTotal().add(t.shipping()).add(t.handling())
                    .add(t.fees()).add(t.tax()).subtract(t.discounts()));
            assertThat(order.salesItems()).isNotEmpty();
        }
    }

    @Test
    void totalMismatchOrderStatesATotalItsLinesDoNotAddUpTo() {
        try (ClaritySandbox sb = sandbox(11).start()) {
            SalesOrderRef ref = sb.orders().createRandomOrder(BadData.TOTAL_MISMATCH);
            JsonNode totals = new ClarityTestClient(sb.baseUrl()).withBasic(sb.user(), sb.password())
                    .get("/Ordering/SalesOrder/ID/" + ref.id()).json().get("Totals");

            BigDecimal sum = totals.get("SubTotal").decimalValue().add(totals.get("Shipping").decimalValue())
                    .add(totals.get("Handling").decimalValue()).add(totals.get("Fees").decimalValue())
                    .add(totals.get("Tax").decimalValue()).subtract(totals.get("Discounts").decimalValue());
            assertThat(totals.get("Total").decimalValue()).isNotEqualByComparingTo(sum);
            assertThat(totals.get("Total").decimalValue().remainder(BigDecimal.ONE)).isEqualByComparingTo("0.5");
            assertThat(sb.orders().find(ref.id()).orElseThrow().balanceDue())
                    .isEqualByComparingTo(totals.get("Total").decimalValue());
        }
    }

    @Test
    void billingContactByIdOrderOmitsTheEmbeddedContact() {
        try (ClaritySandbox sb = sandbox(13).start()) {
            SalesOrderRef ref = sb.orders().createRandomOrder(BadData.BILLING_CONTACT_BY_ID);
            ClarityTestClient client = new ClarityTestClient(sb.baseUrl()).withBasic(sb.user(), sb.password());

            JsonNode order = client.get("/Ordering/SalesOrder/ID/" + ref.id()).json();
            JsonNode contact = client.get("/Contacts/Contact/ID/" + order.get("BillingContactID").asInt()).json();

            assertThat(order.has("BillingContact")).isFalse();
            assertThat(contact.get("LastName").asText()).isNotBlank();
            assertThat(contact.get("ID").asInt()).isEqualTo(order.get("BillingContactID").asInt());
            assertThat(order.get("SalesItems")).isNotEmpty();
        }
    }

    @Test
    void noItemsOrderHasAnEmptyItemListAndZeroTotals() {
        try (ClaritySandbox sb = sandbox(10).start()) {
            SalesOrderRef ref = sb.orders().createRandomOrder(BadData.NO_ITEMS);
            String body = new ClarityTestClient(sb.baseUrl()).withBasic(sb.user(), sb.password())
                    .get("/Ordering/SalesOrder/ID/" + ref.id()).body();

            assertThat(body).contains("\"SalesItems\":[]")
                    .contains("\"Totals\":{\"SubTotal\":0.00,\"Shipping\":0.00,\"Handling\":0.00,\"Fees\":0.00,"
                            + "\"Discounts\":0.00,\"Tax\":0.00,\"Total\":0.00}")
                    .contains("\"ItemQuantity\":0");
        }
    }

    @Test
    void laterCleanOrdersNeverReuseABadDataCustomer() {
        try (ClaritySandbox sb = sandbox(12)) {
            sb.orders().createRandomOrders(5, BadData.MISSING_LAST_NAME);

            for (SalesOrderRef ref : sb.orders().createRandomOrders(100, BadData.NONE)) {
                assertThat(sb.orders().find(ref.id()).orElseThrow().billingContact().lastName()).isNotNull();
            }
        }
    }

    private static Set<Long> hashes(List<? extends CefModel> rows) {
        Set<Long> hashes = new HashSet<>();
        rows.forEach(r -> hashes.add(r.hash()));
        return hashes;
    }
}
