package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A product's stores (StoreProductModel rows on ProductModel.Stores), set the way a merchandiser assigns them. */
class ProductStoresTest {

    private ClaritySandbox sandbox;
    private ClarityTestClient client;

    @BeforeEach
    void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(1).products(1).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void assignedStoresAreServedOnTheProductAndChangeItsHash() {
        int id = sandbox.products().createProduct("EU-1", "Euro Widget", new BigDecimal("10.00")).id();
        JsonNode before = client.get("/Products/Product/ID/" + id).json();

        sandbox.products().assignStores(id, List.of("STORE-WEB", "STORE-EU"));
        JsonNode after = client.get("/Products/Product/ID/" + id).json();

        assertThat(before.has("Stores")).isFalse();
        assertThat(after.get("Stores").findValuesAsText("MasterKey")).containsExactly("STORE-WEB", "STORE-EU");
        assertThat(after.get("Stores").get(1).get("SlaveID").asInt()).isEqualTo(id);
        assertThat(after.get("Stores").get(1).get("MasterName").asText()).isEqualTo("Tandem Demo Store Europe");
        assertThat(after.get("Hash").asLong()).isNotEqualTo(before.get("Hash").asLong());

        sandbox.products().assignStores(id, List.of());
        assertThat(client.get("/Products/Product/ID/" + id).json().get("Stores")).isEmpty();
    }

    @Test
    void anUnknownStoreIsRefusedAndNothingChanges() {
        int id = sandbox.products().createProduct("EU-2", "Euro Gadget", new BigDecimal("10.00")).id();

        assertThatThrownBy(() -> sandbox.products().assignStores(id, List.of("STORE-MARS")))
                .hasMessage("No Store with key STORE-MARS");
        assertThat(client.get("/Products/Product/ID/" + id).json().has("Stores")).isFalse();
    }
}
