package dev.tandem.core.mapping;

import dev.tandem.core.mapping.MappingReads.RecordReads;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MappingReadsTest {

    private static List<String> reads(String expression) {
        return MappingReads.reads(expression, "");
    }

    @Test
    void everyPathAnExpressionReadsCountsAndNothingElse() {
        assertThat(reads("$round(Totals.Tax + Totals.Shipping, 2)")).containsExactly("Totals.Tax", "Totals.Shipping");
        assertThat(reads("A & ' ' & B")).containsExactly("A", "B");
        assertThat(reads("CustomKey ? CustomKey : \"SO-\" & $string(ID)")).containsExactly("CustomKey", "ID");
        // string literals that look like paths, a variable bound nowhere in the text, a lambda's parameter: no path
        assertThat(reads("\"Totals.Total\" & 'Totals.Tax'")).isEmpty();
        assertThat(reads("$address.City")).isEmpty();
        assertThat(reads("($f := function($v) { $trim($v) & Suffix }; $f(Name))")).containsExactly("Suffix", "Name");
        assertThat(reads("($f := function($v) { Suffix }; 1)")).isEmpty(); // a binding nothing uses reads nothing
        // a variable bound to a path continues it; to a choice of paths, each of them
        assertThat(reads("($a := Billing.Address; $a.City & Shipping.City)"))
                .containsExactly("Billing.Address.City", "Shipping.City");
        assertThat(reads("($c := Kind = 'x' ? $ : (Contact ? Contact : $$.Person); $b := $c.Address; $b.City)"))
                .containsExactly("Address.City", "Contact.Address.City", "Person.Address.City");
        assertThat(reads("($c := Kind = 'x' ? $ : Contact; $c.Address.City)")).containsExactly("Address.City",
                "Contact.Address.City");
        // a computed value reads, where it is used, what it read when bound; a function's result is no path
        assertThat(reads("($k := CustomKey ? CustomKey : $string(ID); \"SO \" & $k)")).containsExactly("CustomKey", "ID");
        assertThat(reads("($s := $split(Name, ' '); $s.first & Code)")).containsExactly("Name", "Code");
        // scopes: a block's binding ends with it, a lambda's parameter hides the outer name
        assertThat(reads("(($a := Billing; $a.Zip); $a.City)")).containsExactly("Billing.Zip");
        assertThat(reads("($a := Billing; $f := function($a) { $a.City }; $f(Shipping))")).containsExactly("Shipping");
        assertThat(reads("($a := Billing; Items.($a := Shipping; $a.City))")).containsExactly("Items.Shipping.City");
        // a path's focus (@$x) and index (#$i) variables are its own, not an outer binding of the same name
        assertThat(reads("($a := Foo; Account@$a.Contacts.{'n': $a.Name})")).doesNotContain("Foo.Name");
        assertThat(reads("($i := Foo; Items#$i.($i.Bar))")).doesNotContain("Foo.Bar");
        // a followed variable's predicates count, and the predicate it was bound with
        assertThat(reads("($items := Items; $count($items[Kind = 'x']))")).containsExactly("Items", "Items.Kind");
        assertThat(reads("($items := Items[Type = 'A']; $items.Sku)")).containsExactlyInAnyOrder("Items.Type", "Items.Sku");
        assertThat(reads("($c := K ? $ : Contact; $c.Name)")).doesNotContain("K"); // the choice is not the field
        // predicates, sorts and groups read relative to their step; the step's own path counts
        assertThat(reads("Items[Qty > 1 and Kind = \"x\"].Sku")).containsExactly("Items.Qty", "Items.Kind", "Items.Sku");
        assertThat(reads("Items^(>Price).Sku")).containsExactly("Items.Price", "Items.Sku");
        assertThat(reads("$sum(Items.(Quantity * Price))")).containsExactly("Items.Quantity", "Items.Price");
        // $$ is the root, $ the context; the result of a function is not a path of the record
        assertThat(reads("$$.Account.Name & $.Code")).containsExactly("Account.Name", "Code");
        // JSONata's root is $$; $root is a variable like any other, here bound to it
        assertThat(reads("($root := $$; $root.Name & Items[Kind = \"Totals.Tax\"].Sku)"))
                .containsExactly("Name", "Items.Kind", "Items.Sku");
        assertThat(reads("($root := 1; $root.Name)")).isEmpty();
        assertThat(reads("($t := function($v) { $v ? $v : undefined }; $t(Name))")).containsExactly("Name");
        assertThat(reads("$lookup(Map, Key).Name")).containsExactly("Map", "Key");
        assertThat(reads("`billing address`.zip ~> $uppercase")).containsExactly("billing address.zip");
        assertThat(reads("**.Sku")).isEmpty();
        assertThat(reads("42")).isEmpty();
        assertThat(MappingReads.reads("Quantity * $$.Rate", "SalesItems")).containsExactly("SalesItems.Quantity", "Rate");
    }

    @Test
    @org.junit.jupiter.api.Timeout(120) // not a speed check: without the cap this never ends (2^40 paths)
    void aChainOfChoicesStaysLinearNotExponential() {
        // each binding doubles the paths it stands for: past MappingReads.MAX_DENOTED it is taken as computed
        StringBuilder text = new StringBuilder("($v0 := K ? P : Q; ");
        for (int i = 1; i < 40; i++) {
            text.append("$v").append(i).append(" := K ? $v").append(i - 1).append(".R : $v").append(i - 1).append(".S; ");
        }
        text.append("$v39.Z)");
        List<String> r = reads(text.toString());
        assertThat(r).contains("K").hasSizeLessThan(200);
    }

    @Test
    void theRecordsOfTheShippedOrderMappingWithTheirContexts() throws IOException {
        String text = Files.readString(shippedOrderMapping(), StandardCharsets.UTF_8);
        List<RecordReads> records = MappingReads.of(text);
        assertThat(records).extracting(RecordReads::entity)
                .containsExactly("OrderItem", "Account", "Contact", "Order", "OrderItem");
        RecordReads charge = records.getFirst();
        assertThat(charge.index()).isZero();
        // the charge line is made by $charge: its values come in as parameters, so its fields read no path
        assertThat(charge.fields().get("UnitPrice")).isEmpty();
        RecordReads product = records.getLast();
        assertThat(product.index()).isEqualTo(1);
        assertThat(product.context()).isEqualTo("SalesItems");
        assertThat(product.fields().get("Quantity")).containsExactly("SalesItems.Quantity");
        assertThat(product.fields().get("Description")).containsExactly("SalesItems.Name");
        assertThat(product.fields().get("PricebookEntryId")).containsExactly("SalesItems.ProductKey",
                "SalesItems.Sku", "SalesItems.ProductName", "SalesItems.Name", "SalesItems.UnitCorePrice",
                "SalesItems.UnitSoldPrice");
        RecordReads order = records.get(3);
        assertThat(order.context()).isEmpty();
        assertThat(order.fields().get("EffectiveDate")).containsExactly("CreatedDate");
        assertThat(order.fields().get("PoNumber")).containsExactly("PurchaseOrderNumber");
        // $orderKey := CustomKey ? CustomKey : "SO-" & $string(ID): what it read, where it is used
        assertThat(order.fields().get("Description")).containsExactly("CustomKey", "ID", "TypeKey");
        // $billingAddress.City: $billing.Address ? $billing.Address : $address, each variable followed to its paths
        assertThat(order.fields().get("BillingCity")).containsExactlyInAnyOrder("BillingContact.Address.City",
                "ShippingContact.Address.City", "User.Contact.Address.City", "CustomerContact.Address.City");
        // $merge([{...}, ...]): the Contact's fields are the first object's; the computed key is not a field
        assertThat(records.get(2).fields()).containsKey("MailingCountry").doesNotContainKey("$keepPhone");
    }

    @Test
    void aRecordInsideAVariablesPathHasNoKnownContextAndBadTextIsAMappingException() {
        List<RecordReads> r = MappingReads.of("[$items.{\"entity\": \"X\", \"fields\": {\"A\": B}}, "
                + "{\"entity\": \"X\", \"fields\": {\"A\": B, $k: C}}, {\"entity\": $e, \"fields\": {}},"
                + " {\"entity\": \"X\", \"delete\": true}]");
        assertThat(r).hasSize(3); // not the one whose entity is computed
        assertThat(r.get(2).index()).isEqualTo(2);
        assertThat(r.get(2).fields()).isEmpty();
        assertThat(r.get(0).context()).isNull();
        assertThat(r.get(0).fields().get("A")).isEmpty();
        assertThat(r.get(1).index()).isEqualTo(1);
        assertThat(r.get(1).fields()).containsOnlyKeys("A");
        assertThat(r.get(1).fields().get("A")).containsExactly("B");
        assertThatThrownBy(() -> MappingReads.of("{\"a\": ((")).isInstanceOf(MappingException.class)
                .hasMessageStartingWith("the mapping does not parse");
        // hostile nesting: a MappingException (the API then answers no reads), never a StackOverflowError
        String nested = "[".repeat(200_000) + "A" + "]".repeat(200_000);
        assertThatThrownBy(() -> MappingReads.of(nested)).isInstanceOf(MappingException.class)
                .hasMessageContaining("nested too deeply");
    }

    private static Path shippedOrderMapping() {
        // the server module ships the flow; core's tests read it from the source tree (module sibling)
        Path p = Path.of("..", "tandem-server", "src", "main", "resources", "flows", "clarity-order-to-salesforce.jsonata");
        assertThat(p).exists();
        return p;
    }
}
