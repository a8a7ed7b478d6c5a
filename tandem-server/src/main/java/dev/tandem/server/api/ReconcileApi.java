package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.server.http.Problem;
import dev.tandem.server.reconcile.ReconcileObject;
import dev.tandem.server.reconcile.ReconcileReport;
import dev.tandem.server.reconcile.ReconcileResult;
import dev.tandem.server.reconcile.ReconcileService;
import dev.tandem.server.reconcile.Reconciliation;
import io.javalin.http.Context;

import java.util.List;

/**
 * {@code POST /api/v1/reconcile/{object}}: reconciles one object inside the server (issue 11 item 5) and, with
 * {@code repair=true}, enqueues its repairs in the server's event log; the report as {@code tandem reconcile
 * --report} writes it. {@code tandem reconcile --repair} calls it while the server holds the store.
 */
public final class ReconcileApi {

    private final ReconcileService service;

    public ReconcileApi(ReconcileService service) {
        this.service = service;
    }

    public void register(ApiRoutes routes) {
        routes.post("/reconcile/{object}", Role.OPERATOR, ApiSupport.guarded(this::reconcile));
    }

    private void reconcile(Context ctx) throws Exception {
        ReconcileObject object = ReconcileObject.parse(ctx.pathParam("object"));
        boolean repair = ApiSupport.boolParam(ctx, "repair");
        ReconcileResult result;
        try {
            result = service.run(object, repair);
        } catch (ReconcileService.Busy e) {
            throw ProblemException.conflict(e.getMessage());
        } catch (Reconciliation.Aborted e) {
            Problem.of(e.configuration() ? 422 : 503, e.configuration() ? "configuration" : "unavailable",
                    "Reconciliation stopped", e.getMessage()).withInstance(ctx.path()).send(ctx);
            return;
        }
        JsonNode body = ApiSupport.JSON.readTree(ReconcileReport.json(List.of(result)));
        ApiSupport.json(ctx, body);
    }
}
