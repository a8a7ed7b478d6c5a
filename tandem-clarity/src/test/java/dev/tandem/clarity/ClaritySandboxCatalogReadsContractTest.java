package dev.tandem.clarity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The catalogue reads the product and inventory flows fetch, against the Clarity sandbox: a product's
 * {@code CalculatedPrice} from the pricing provider, and a batch of products' stock rows in one list request
 * ({@code ProductStock}, by repeated {@code ProductIDs}).
 */
class ClaritySandboxCatalogReadsContractTest {

    private static final String USER = "tandem-catalog";
    private static final String PASSWORD = "catalog-Pa55!";
    private static ClaritySandbox sandbox;
    private static ClarityRestClient client;
    private static List<ProductModel> products;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(23).customers(2).products(120)
                .build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
        products = sandbox.store().products().all();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    @Test
    void aProductsPriceIsThePricingProvidersCalculatedPriceForOneUnit() {
        ProductModel product = products.getFirst();
        ProductPrice price = sandbox.products().price(product.id()).orElseThrow();

        ObjectNode read = client.fetch(ClarityRestClient.CALCULATED_PRICE, Integer.toString(product.id())).orElseThrow();

        assertThat(read.path("BasePrice").decimalValue()).isEqualByComparingTo(price.basePrice());
        assertThat(read.path("MsrpPrice").decimalValue()).isEqualByComparingTo(price.msrpPrice());
        assertThat(read.path("ProductID").asInt()).isEqualTo(product.id());
    }

    @Test
    void aProductWithoutAPriceHasNone() {
        assertThat(client.fetchAll(ClarityRestClient.CALCULATED_PRICE, List.of("999999"))).isEmpty();
    }

    @Test
    void theStockRowsOfMoreThanOneHundredProductsComeInOneListRequestPerHundred() {
        List<String> ids = new ArrayList<>();
        products.forEach(p -> ids.add(Integer.toString(p.id())));
        ids.add("999999");

        Map<String, ObjectNode> stock = client.fetchAll(ClarityRestClient.PRODUCT_STOCK, ids);

        assertThat(stock.keySet()).containsExactlyElementsOf(ids);
        for (ProductModel p : List.of(products.getFirst(), products.get(99), products.get(100), products.getLast())) {
            List<ProductInventoryLocationSectionModel> rows = sandbox.inventory().stockOf(p.id());
            JsonNode locations = stock.get(Integer.toString(p.id())).path("Locations");
            assertThat(locations).hasSize(rows.size());
            BigDecimal sum = BigDecimal.ZERO;
            for (JsonNode row : locations) {
                assertThat(row.path("MasterID").asInt()).isEqualTo(p.id());
                sum = sum.add(row.path("Quantity").decimalValue());
            }
            assertThat(sum).isEqualByComparingTo(rows.stream().map(ProductInventoryLocationSectionModel::quantity)
                    .reduce(BigDecimal.ZERO, BigDecimal::add));
        }
        assertThat(stock.get("999999").path("Locations")).as("a product without stock has none").isEmpty();
    }

    @Test
    void aNonNumericProductIdIsRefusedBeforeAnyRequest() {
        assertThatThrownBy(() -> client.fetchAll(ClarityRestClient.PRODUCT_STOCK, List.of("301", "1 OR 1=1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.fetch(ClarityRestClient.CALCULATED_PRICE, "../Orders"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
