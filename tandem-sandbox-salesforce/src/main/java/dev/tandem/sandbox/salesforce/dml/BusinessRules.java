package dev.tandem.sandbox.salesforce.dml;

import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.ACCOUNT;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.CONTACT;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.OPPORTUNITY;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.OPPORTUNITY_LINE_ITEM;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.ORDER;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.ORDER_ITEM;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.PRICEBOOK2;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.PRICEBOOK_ENTRY;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.PRODUCT2;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.RECORD_TYPE;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.STATUS_ACTIVATED;
import static dev.tandem.sandbox.salesforce.schema.SalesforceSchema.STATUS_DRAFT;

import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The standard-object behaviour of spec §3 that is not plain field validation: derived fields, the price-book
 * rules, the order lifecycle and the TotalAmount roll-up.
 */
final class BusinessRules {

    /** Multi-currency orgs' currency field (absent, so null, in single-currency orgs). */
    private static final String CURRENCY = "CurrencyIsoCode";

    private static final String ACTIVATED_ORDER_PRODUCTS =
            "You can't add, edit, or delete order products on an activated order.";

    // Auto-numbers are never rolled back, exactly as on the platform (a rolled-back insert leaves a gap).
    private final AtomicLong orderNumbers = new AtomicLong(99);
    private final AtomicLong orderItemNumbers = new AtomicLong(0);

    BusinessRules() {
    }

    void beforeSave(Transaction tx, SObjectDefinition def, Row old, Map<String, Object> values, WriteContext ctx) {
        switch (def.name()) {
            case CONTACT -> values.put("Name", joinName(values.get("FirstName"), values.get("LastName")));
            case ACCOUNT -> recordTypeOf(tx, old, values, ACCOUNT);
            // Record types are setup data, created in Setup or the Metadata API, not through this data API here
            // [inferred]; the sandbox seeds them.
            case RECORD_TYPE, "CurrencyType" -> throw ApiException.badRequest(ApiError.of(
                    "INSUFFICIENT_ACCESS_OR_READONLY", "insufficient access rights on object id", List.of()));
            case PRICEBOOK_ENTRY -> pricebookEntry(tx, old, values);
            case ORDER -> order(tx, def, old, values);
            case ORDER_ITEM -> orderItem(tx, old, values);
            case OPPORTUNITY -> {
                Object stage = values.get("StageName");
                values.put("IsClosed", "Closed Won".equals(stage) || "Closed Lost".equals(stage));
                values.put("IsWon", "Closed Won".equals(stage));
                // With products, Amount is the sum of their TotalPrice and a written Amount does not stick
                // [inferred: the object reference says the amount of an opportunity with products is their sum].
                if (old != null) {
                    List<Row> lines = tx.children(OPPORTUNITY_LINE_ITEM, "OpportunityId", old.id());
                    if (!lines.isEmpty()) {
                        values.put("Amount", lines.stream().map(i -> (BigDecimal) i.get("TotalPrice"))
                                .reduce(BigDecimal.ZERO, BigDecimal::add));
                    }
                }
            }
            case OPPORTUNITY_LINE_ITEM -> opportunityLineItem(tx, old, values, ctx);
            default -> {
            }
        }
    }

    void afterSave(Transaction tx, SObjectDefinition def, Row old, Row saved, WriteContext ctx) {
        switch (def.name()) {
            case ORDER_ITEM -> recomputeOrderTotal(tx, saved.get("OrderId").toString(), ctx);
            case OPPORTUNITY_LINE_ITEM -> recomputeOpportunityAmount(tx, saved.get("OpportunityId").toString(), ctx);
            case PRODUCT2 -> {
                if (old != null && (!DmlEngine.sameValue(old.get("Name"), saved.get("Name"))
                        || !DmlEngine.sameValue(old.get("ProductCode"), saved.get("ProductCode")))) {
                    for (Row entry : tx.children(PRICEBOOK_ENTRY, "Product2Id", saved.id())) {
                        Map<String, Object> values = entry.mutableValues();
                        values.put("Name", saved.get("Name"));
                        values.put("ProductCode", saved.get("ProductCode"));
                        values.put("SystemModstamp", ctx.now());
                        tx.put(entry.with(values, entry.lastModifiedByClient()));
                    }
                }
            }
            default -> {
            }
        }
    }

    /** Checks that only apply when the record itself is the target of a DELETE (not a cascade victim). */
    void beforeDirectDelete(Transaction tx, SObjectDefinition def, Row row) {
        switch (def.name()) {
            // §3.3: "Although you can never delete PricebookEntry records, your client application can set this
            // flag [IsActive] to false." The platform's exact refusal is not documented; the sandbox answers with
            // the generic access error [inferred].
            case PRICEBOOK_ENTRY, RECORD_TYPE -> throw ApiException.badRequest(ApiError.of("INSUFFICIENT_ACCESS_OR_READONLY",
                    "insufficient access rights on object id", List.of()));
            // §3.1: "Your client application can delete orders when the Status is Draft but not when its Status is
            // Activated." Error code inferred.
            case ORDER -> {
                if (STATUS_ACTIVATED.equals(row.get("StatusCode"))) {
                    throw integrity("You can't delete an activated order. Set its Status to Draft first.", List.of());
                }
            }
            case ORDER_ITEM -> {
                Row order = tx.find(row.get("OrderId").toString()).orElseThrow();
                if (STATUS_ACTIVATED.equals(order.get("StatusCode"))) {
                    throw integrity(ACTIVATED_ORDER_PRODUCTS, List.of());
                }
            }
            case PRICEBOOK2 -> {
                if (Boolean.TRUE.equals(row.get("IsStandard"))) {
                    throw ApiException.badRequest(ApiError.of("DELETE_FAILED",
                            "The standard price book can't be deleted.", List.of()));
                }
            }
            default -> {
            }
        }
    }

    void afterDelete(Transaction tx, Collection<Row> deleted, WriteContext ctx) {
        Set<String> orders = new LinkedHashSet<>();
        Set<String> opportunities = new LinkedHashSet<>();
        for (Row row : deleted) {
            if (row.type().equals(ORDER_ITEM)) {
                orders.add(row.get("OrderId").toString());
            }
            if (row.type().equals(OPPORTUNITY_LINE_ITEM)) {
                opportunities.add(row.get("OpportunityId").toString());
            }
        }
        for (String opportunityId : opportunities) {
            tx.find(opportunityId).filter(o -> !o.deleted())
                    .ifPresent(o -> recomputeOpportunityAmount(tx, opportunityId, ctx));
        }
        for (String orderId : orders) {
            tx.find(orderId).filter(o -> !o.deleted()).ifPresent(o -> recomputeOrderTotal(tx, orderId, ctx));
        }
    }

    /**
     * A RecordTypeId must name an active record type of the record's own object. The platform's refusal is
     * INVALID_CROSS_REFERENCE_KEY "Record Type ID: this ID value isn't valid for the user: 012..." (error code in
     * spec §2.12's catalog; message [inferred] from public reports).
     */
    private static void recordTypeOf(Transaction tx, Row old, Map<String, Object> values, String sobjectType) {
        Object recordTypeId = values.get("RecordTypeId");
        if (recordTypeId == null || (old != null && recordTypeId.equals(old.get("RecordTypeId")))) {
            return;
        }
        Row recordType = tx.find(recordTypeId.toString()).orElseThrow();
        if (!recordType.type().equals(RECORD_TYPE) || !sobjectType.equals(recordType.get("SobjectType"))
                || !Boolean.TRUE.equals(recordType.get("IsActive"))) {
            throw ApiException.badRequest(ApiError.of("INVALID_CROSS_REFERENCE_KEY",
                    "Record Type ID: this ID value isn't valid for the user: " + recordTypeId,
                    List.of("RecordTypeId")));
        }
    }

    private void pricebookEntry(Transaction tx, Row old, Map<String, Object> values) {
        String productId = values.get("Product2Id").toString();
        String pricebookId = values.get("Pricebook2Id").toString();
        Row product = tx.find(productId).orElseThrow();
        Row pricebook = tx.find(pricebookId).orElseThrow();
        values.put("Name", product.get("Name"));
        values.put("ProductCode", product.get("ProductCode"));
        // In a multi-currency org an entry is a price in one currency: a product has one entry per price book and
        // currency, and a custom price needs the standard price in the same currency ("the PricebookEntry object
        // whose Pricebook2Id refers to the standard price book and whose Product2Id and CurrencyIsoCode are the same
        // as this object", UseStandardPrice, PricebookEntry object reference,
        // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm).
        // Without multiple currencies CurrencyIsoCode is no field, and every entry's is null.
        Object currency = values.get(CURRENCY);
        if (old == null) {
            // Through the product's entries (one per price book), not the price book's (one per product: the
            // standard book holds every product of the org, and a load of many products would read it each time).
            boolean duplicate = tx.children(PRICEBOOK_ENTRY, "Product2Id", productId).stream()
                    .anyMatch(e -> pricebookId.equals(e.get("Pricebook2Id"))
                            && java.util.Objects.equals(currency, e.get(CURRENCY)));
            if (duplicate) {
                throw ApiException.badRequest(ApiError.of("DUPLICATE_VALUE",
                        "This price definition already exists in this price book", List.of()));
            }
        }
        if (!Boolean.TRUE.equals(pricebook.get("IsStandard"))) {
            // §3.3: "You must load the standard price for a product before you're permitted to load its custom
            // prices."
            Row standard = tx.children(PRICEBOOK_ENTRY, "Product2Id", productId).stream()
                    .filter(e -> java.util.Objects.equals(currency, e.get(CURRENCY)))
                    .filter(e -> tx.find(e.get("Pricebook2Id").toString())
                            .map(b -> Boolean.TRUE.equals(b.get("IsStandard"))).orElse(false))
                    .findFirst()
                    .orElseThrow(() -> ApiException.badRequest(ApiError.of("STANDARD_PRICE_NOT_DEFINED",
                            "No standard price defined for this product", List.of())));
            // §3.3 emulator note: on custom entries UseStandardPrice = true makes UnitPrice the standard price.
            if (Boolean.TRUE.equals(values.get("UseStandardPrice"))) {
                values.put("UnitPrice", standard.get("UnitPrice"));
            }
        }
    }

    /**
     * A line takes its parent's currency, and its entry must be in it: "The currency of the Quote must match the
     * currency of the PricebookEntry" (multi-currency orgs; the message is the platform's field integrity error for
     * opportunity lines, the order one modelled on it [inferred]). No-op in a single-currency org.
     */
    private static void sameCurrency(Row parent, Row entry, Map<String, Object> values, String parentName) {
        if (!values.containsKey(CURRENCY) && parent.get(CURRENCY) == null) {
            return;
        }
        if (!java.util.Objects.equals(parent.get(CURRENCY), entry.get(CURRENCY))) {
            throw integrity("field integrity exception: PricebookEntryId (pricebook entry currency code does not"
                    + " match " + parentName + " currency code)", List.of("PricebookEntryId"));
        }
        values.put(CURRENCY, parent.get(CURRENCY));
    }

    private void order(Transaction tx, SObjectDefinition def, Row old, Map<String, Object> values) {
        String status = (String) values.get("Status");
        // Status and StatusCode coincide because the sandbox's picklist has one value per status category.
        values.put("StatusCode", status);
        if (old == null) {
            // §3.1: "When a client application creates an order, the Status Code must be Draft" [error inferred].
            if (!STATUS_DRAFT.equals(status)) {
                throw integrity("You can't create an order with an activated status. Create it with a Draft"
                        + " status, add order products, then activate it.: Status", List.of("Status"));
            }
            values.put("OrderNumber", String.format("%08d", orderNumbers.incrementAndGet()));
            values.put("TotalAmount", BigDecimal.ZERO);
            return;
        }
        boolean wasActivated = STATUS_ACTIVATED.equals(old.get("StatusCode"));
        boolean activating = !wasActivated && STATUS_ACTIVATED.equals(status);
        if (wasActivated || activating) {
            // §3.1: "the Status field is the only field you can update when activating the order"; an activated
            // order only accepts a Status change. Unchanged values resent by the client are not changes.
            List<String> changed = def.fields().stream()
                    .filter(f -> f.updateable() && !f.name().equals("Status"))
                    .map(FieldDefinition::name)
                    .filter(name -> !DmlEngine.sameValue(old.get(name), values.get(name)))
                    .toList();
            if (!changed.isEmpty()) {
                throw integrity("Only the Status field can be changed when an order is activated or being"
                        + " activated.", changed);
            }
        }
        List<Row> items = tx.children(ORDER_ITEM, "OrderId", old.id());
        if (activating && items.isEmpty()) {
            throw integrity("You can't activate an order that has no order products.", List.of());
        }
        if (!items.isEmpty() && !DmlEngine.sameValue(old.get("Pricebook2Id"), values.get("Pricebook2Id"))) {
            throw integrity("You can't change the price book of an order that has order products.: Price Book ID",
                    List.of("Pricebook2Id"));
        }
    }

    private void orderItem(Transaction tx, Row old, Map<String, Object> values) {
        Row order = tx.find(values.get("OrderId").toString()).orElseThrow();
        if (STATUS_ACTIVATED.equals(order.get("StatusCode"))) {
            throw integrity(ACTIVATED_ORDER_PRODUCTS, List.of());
        }
        Row entry = tx.find(values.get("PricebookEntryId").toString()).orElseThrow();
        if (old == null) {
            // Verbatim platform error (spec §2.9, §3.2). An order without a price book cannot match any entry.
            Object orderPricebook = order.get("Pricebook2Id");
            if (orderPricebook == null || !orderPricebook.equals(entry.get("Pricebook2Id"))) {
                throw integrity("Order Products must have a Price Book Entry that belongs to the Price Book related"
                        + " to the parent Order.: Price Book Entry ID", List.of("PricebookEntryId"));
            }
            if (!Boolean.TRUE.equals(entry.get("IsActive"))) {
                throw integrity("field integrity exception: PricebookEntryId (pricebook entry is inactive)",
                        List.of("PricebookEntryId"));
            }
            sameCurrency(order, entry, values, "order");
            values.put("Product2Id", entry.get("Product2Id"));
            values.put("ListPrice", entry.get("UnitPrice"));
            values.put("OrderItemNumber", String.format("%010d", orderItemNumbers.incrementAndGet()));
        }
        BigDecimal quantity = (BigDecimal) values.get("Quantity");
        if (quantity.signum() <= 0) {
            // The brief's rule is "Quantity > 0"; the message is modelled on the platform's field integrity errors.
            throw integrity("field integrity exception: Quantity (quantity must be greater than zero)",
                    List.of("Quantity"));
        }
        BigDecimal unitPrice = (BigDecimal) values.get("UnitPrice");
        values.put("TotalPrice", quantity.multiply(unitPrice).setScale(2, RoundingMode.HALF_UP));
    }

    /**
     * Spec §3.4: the entry must belong to the opportunity's price book (an opportunity without one adopts the
     * entry's), and exactly one of UnitPrice and TotalPrice is given; the other is derived. Messages are modelled on
     * the platform's field integrity errors [inferred].
     */
    private void opportunityLineItem(Transaction tx, Row old, Map<String, Object> values, WriteContext ctx) {
        Row opportunity = tx.find(values.get("OpportunityId").toString()).orElseThrow();
        Row entry = tx.find(values.get("PricebookEntryId").toString()).orElseThrow();
        BigDecimal quantity = (BigDecimal) values.get("Quantity");
        if (quantity.signum() == 0) {
            throw integrity("field integrity exception: Quantity (quantity must be non-zero)", List.of("Quantity"));
        }
        if (old == null) {
            Object pricebook = opportunity.get("Pricebook2Id");
            if (pricebook == null) {
                Map<String, Object> adopted = opportunity.mutableValues();
                adopted.put("Pricebook2Id", entry.get("Pricebook2Id"));
                adopted.put("SystemModstamp", ctx.now());
                tx.put(opportunity.with(adopted, opportunity.lastModifiedByClient()));
            } else if (!pricebook.equals(entry.get("Pricebook2Id"))) {
                throw integrity("field integrity exception: PricebookEntryId (pricebook entry is in a different"
                        + " pricebook than the one assigned to the opportunity)", List.of("PricebookEntryId"));
            }
            if (!Boolean.TRUE.equals(entry.get("IsActive"))) {
                throw integrity("field integrity exception: PricebookEntryId (pricebook entry is inactive)",
                        List.of("PricebookEntryId"));
            }
            sameCurrency(opportunity, entry, values, "opportunity");
            values.put("Product2Id", entry.get("Product2Id"));
            values.put("Name", opportunity.get("Name") + " " + entry.get("Name"));
            values.put("ProductCode", entry.get("ProductCode"));
            values.put("ListPrice", entry.get("UnitPrice"));
        }
        BigDecimal unit = (BigDecimal) values.get("UnitPrice");
        BigDecimal total = (BigDecimal) values.get("TotalPrice");
        boolean unitChanged = old == null ? unit != null : !DmlEngine.sameValue(unit, old.get("UnitPrice"));
        boolean totalChanged = old == null ? total != null : !DmlEngine.sameValue(total, old.get("TotalPrice"));
        if (old == null && unit != null && total != null) {
            throw integrity("field integrity exception: TotalPrice (only one of UnitPrice and TotalPrice can be"
                    + " specified)", List.of("TotalPrice"));
        }
        if (unit == null && total == null) {
            throw integrity("field integrity exception: unknown (must specify either UnitPrice or TotalPrice)",
                    List.of());
        }
        if (totalChanged && !unitChanged) {
            values.put("UnitPrice", total.divide(quantity, 2, RoundingMode.HALF_UP));
        } else {
            values.put("TotalPrice", quantity.multiply((BigDecimal) values.get("UnitPrice"))
                    .setScale(2, RoundingMode.HALF_UP));
        }
    }

    /** Amount of an opportunity with products is the sum of their TotalPrice. */
    private void recomputeOpportunityAmount(Transaction tx, String opportunityId, WriteContext ctx) {
        Row opportunity = tx.find(opportunityId).orElseThrow();
        List<Row> lines = tx.children(OPPORTUNITY_LINE_ITEM, "OpportunityId", opportunityId);
        if (lines.isEmpty()) {
            return;
        }
        BigDecimal amount = lines.stream().map(i -> (BigDecimal) i.get("TotalPrice"))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (!DmlEngine.sameValue(amount, opportunity.get("Amount"))) {
            Map<String, Object> values = opportunity.mutableValues();
            values.put("Amount", amount);
            values.put("SystemModstamp", ctx.now());
            tx.put(opportunity.with(values, opportunity.lastModifiedByClient()));
        }
    }

    /** TotalAmount is a roll-up summary of the order's live items (spec §3.1). */
    private void recomputeOrderTotal(Transaction tx, String orderId, WriteContext ctx) {
        Row order = tx.find(orderId).orElseThrow();
        BigDecimal total = tx.children(ORDER_ITEM, "OrderId", orderId).stream()
                .map(i -> (BigDecimal) i.get("TotalPrice"))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (!DmlEngine.sameValue(total, order.get("TotalAmount"))) {
            Map<String, Object> values = order.mutableValues();
            values.put("TotalAmount", total);
            values.put("SystemModstamp", ctx.now());
            tx.put(order.with(values, order.lastModifiedByClient()));
        }
    }

    private static ApiException integrity(String message, List<String> fields) {
        return ApiException.badRequest(ApiError.of("FIELD_INTEGRITY_EXCEPTION", message, fields));
    }

    static String joinName(Object first, Object last) {
        String name = ((first == null ? "" : first + " ") + (last == null ? "" : last)).trim();
        return name.isEmpty() ? null : name;
    }
}
