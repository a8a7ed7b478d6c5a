package dev.tandem.sandbox.clarity.pricing;

import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.entity.CefActionResponse;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code ANY /Pricing/Prices/ForProduct/{ProductID}/Quantity/{Quantity}} → {@code CEFActionResponse<CalculatedPrice>}
 * (spec §9). This is where a CEF client reads a product's price: {@code ProductModel} has no price member.
 * The sandbox's "provider" is a flat price list: the quantity does not change the unit price.
 */
public final class PricingRoutes {

    private final String basePath;
    private final ClarityStore store;
    private final SessionGuard guard;
    private final JsonResponder responder;

    public PricingRoutes(String basePath, ClarityStore store, SessionGuard guard, JsonResponder responder) {
        this.basePath = basePath;
        this.store = store;
        this.guard = guard;
        this.responder = responder;
    }

    public void register(RoutesConfig routes) {
        String path = basePath + "/Pricing/Prices/ForProduct/{ProductID}/Quantity/{Quantity}";
        routes.get(path, guard.protect(this::price));
        routes.post(path, guard.protect(this::price));
    }

    private void price(Context ctx) {
        String raw = ctx.pathParam("ProductID");
        int productId;
        try {
            productId = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException", "'" + raw + "' is not an Int32");
        }
        ProductPrice price = store.price(productId).orElseThrow(() -> ClarityHttpException.notFound(
                "Product with ID " + productId + " was not found"));
        responder.send(ctx, CefActionResponse.succeeded(new CalculatedPrice(price.basePrice(), price.salePrice(),
                price.msrpPrice(), "FlatSandboxPricingProvider", "Base")));
    }
}
