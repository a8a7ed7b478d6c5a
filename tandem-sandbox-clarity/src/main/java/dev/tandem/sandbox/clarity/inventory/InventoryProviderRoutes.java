package dev.tandem.sandbox.clarity.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.entity.CefActionResponse;
import dev.tandem.sandbox.clarity.inventory.InventoryService.StockChange;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The inventory provider routes (clarity-api.md §5 notes, {@code InventoryService.cs}):
 * <ul>
 *   <li>{@code PATCH /Providers/Inventory/UpdateInventoryForProduct} {@code {ID, Quantity?, QuantityAllocated?,
 *       QuantityPreSold?, RelevantLocationID?, RelevantHash?}} → {@code CEFActionResponse};</li>
 *   <li>{@code PUT /Providers/Inventory/BulkUpdateInventoryForProducts} {@code {"InventoryToPush":[CalculatedInventory]}}
 *       → {@code CEFActionResponse};</li>
 *   <li>{@code GET /Providers/Inventory/CalculateInventory/{ID}} → {@code CEFActionResponse<CalculatedInventory>}.</li>
 * </ul>
 * The route table lists no permission on them; the sandbox still requires a login, and for the writes
 * {@code Products.ProductInventoryLocationSection.Update} so a read-only login cannot change stock [INFERRED].
 * {@code RelevantLocationID} is read as an {@code InventoryLocation} ID and {@code RelevantHash} as the expected
 * {@code Hash} of the stock row (a stale hash fails the update) [INFERRED: the spec names the members only].
 */
public final class InventoryProviderRoutes {

    private static final String UPDATE_PERMISSION = "Products.ProductInventoryLocationSection.Update";

    private final String basePath;
    private final InventoryService inventory;
    private final SessionGuard guard;
    private final JsonResponder responder;

    public InventoryProviderRoutes(String basePath, InventoryService inventory, SessionGuard guard,
            JsonResponder responder) {
        this.basePath = basePath;
        this.inventory = inventory;
        this.guard = guard;
        this.responder = responder;
    }

    public void register(RoutesConfig routes) {
        String base = basePath + "/Providers/Inventory";
        routes.patch(base + "/UpdateInventoryForProduct", guard.protect(UPDATE_PERMISSION, this::updateOne));
        routes.put(base + "/BulkUpdateInventoryForProducts", guard.protect(UPDATE_PERMISSION, this::updateBulk));
        routes.get(base + "/CalculateInventory/{ID}", guard.protect(ctx -> responder.send(ctx,
                CefActionResponse.succeeded(inventory.calculate(id(ctx.pathParam("ID")))))));
    }

    private void updateOne(Context ctx) {
        JsonNode body = object(ctx);
        int productId = requiredId(body, "ID");
        Integer locationId = optionalId(body, "RelevantLocationID");
        ProductInventoryLocationSectionModel row = inventory.target(productId, locationId);
        JsonNode expectedHash = body.get("RelevantHash");
        if (expectedHash != null && !expectedHash.isNull() && row.hash() != null
                && expectedHash.asLong() != row.hash()) {
            throw ClarityHttpException.actionFailed("The inventory of product " + productId
                    + " changed since it was read (RelevantHash " + expectedHash.asText() + " is stale)");
        }
        inventory.apply(row.id(), new StockChange(amount(body, "Quantity"), amount(body, "QuantityAllocated"),
                amount(body, "QuantityPreSold")));
        responder.send(ctx, CefActionResponse.succeeded());
    }

    /** Validates every entry first, then applies them all, so a bad entry changes nothing. */
    private void updateBulk(Context ctx) {
        JsonNode push = object(ctx).get("InventoryToPush");
        if (push == null || !push.isArray()) {
            throw ClarityHttpException.actionFailed("InventoryToPush must be a list of CalculatedInventory");
        }
        record Planned(int productId, Integer rowId, Integer sectionId, StockChange change) {
        }
        List<Planned> plan = new ArrayList<>();
        for (JsonNode entry : push) {
            if (!entry.isObject()) {
                throw ClarityHttpException.actionFailed("Every InventoryToPush entry must be an object");
            }
            int productId = requiredId(entry, "ProductID");
            inventory.product(productId);
            JsonNode locations = entry.get("RelevantLocations");
            if (locations != null && locations.isArray() && !locations.isEmpty()) {
                for (JsonNode location : locations) {
                    Integer rowId = optionalId(location, "ID");
                    Integer sectionId = optionalId(location, "SlaveID");
                    if (rowId == null && sectionId == null) {
                        throw ClarityHttpException.actionFailed(
                                "A RelevantLocations entry needs the ID of its stock row or its SlaveID");
                    }
                    if (rowId != null && inventory.rows(productId).stream().noneMatch(r -> r.id() == rowId)) {
                        throw ClarityHttpException.actionFailed("ProductInventoryLocationSection " + rowId
                                + " is not stock of product " + productId);
                    }
                    plan.add(new Planned(productId, rowId, sectionId, new StockChange(amount(location, "Quantity"),
                            amount(location, "QuantityAllocated"), amount(location, "QuantityPreSold"))));
                }
            } else {
                BigDecimal present = amount(entry, "QuantityPresent");
                plan.add(new Planned(productId, null, null, new StockChange(
                        present != null ? present : amount(entry, "QuantityOnHand"),
                        amount(entry, "QuantityAllocated"), amount(entry, "QuantityPreSold"))));
            }
        }
        for (Planned planned : plan) {
            int rowId;
            if (planned.rowId() != null) {
                rowId = planned.rowId();
            } else if (planned.sectionId() != null) {
                rowId = inventory.rows(planned.productId()).stream()
                        .filter(r -> r.slaveId() == planned.sectionId()).findFirst()
                        .map(ProductInventoryLocationSectionModel::id)
                        .orElseThrow(() -> ClarityHttpException.actionFailed("Product " + planned.productId()
                                + " has no stock row in section " + planned.sectionId()));
            } else {
                rowId = inventory.target(planned.productId(), null).id();
            }
            inventory.apply(rowId, planned.change());
        }
        responder.send(ctx, CefActionResponse.succeeded());
    }

    private JsonNode object(Context ctx) {
        JsonNode body = responder.json().read(ctx.bodyAsBytes(), JsonNode.class);
        if (!body.isObject()) {
            throw ClarityHttpException.badRequest("SerializationException", "The body must be a JSON object");
        }
        return body;
    }

    private static int requiredId(JsonNode node, String name) {
        Integer id = optionalId(node, name);
        if (id == null) {
            throw ClarityHttpException.actionFailed(name + " is required");
        }
        return id;
    }

    private static Integer optionalId(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() <= 0) {
            throw ClarityHttpException.actionFailed(name + " must be a positive Int32, not " + value);
        }
        return value.asInt();
    }

    private static BigDecimal amount(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw ClarityHttpException.actionFailed(name + " must be a number, not " + value);
        }
        return value.decimalValue();
    }

    private static int id(String raw) {
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind 'ID': '" + raw + "' is not an Int32");
        }
    }
}
