package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.profile.FieldProfile;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.core.profile.Profiles;
import io.javalin.http.Context;

import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;
import static dev.tandem.server.api.ApiSupport.notFound;

/**
 * {@code /api/v1/profiles/{flow}}: the data profiles a flow's {@code profile} rule learned from the records it synced
 * (docs/profiles.md): shown to a viewer, reset (all fields, or one with {@code ?field=}) by an operator.
 */
public final class ProfileApi {

    private static final Pattern FLOW_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final ProfileStore store;
    private final Supplier<Set<String>> loadedFlows;

    public ProfileApi(ProfileStore store, Supplier<Set<String>> loadedFlows) {
        this.store = store;
        this.loadedFlows = loadedFlows;
    }

    public void register(ApiRoutes routes) {
        routes.get("/profiles/{flow}", Role.VIEWER, guarded(this::show));
        routes.delete("/profiles/{flow}", Role.OPERATOR, guarded(this::reset));
    }

    private String flow(Context ctx) {
        String flow = ctx.pathParam("flow");
        if (!FLOW_ID.matcher(flow).matches()) {
            throw badRequest("'" + ApiSupport.clip(flow) + "' is not a flow id (lower-case letters, digits and -, at most 63)");
        }
        return flow;
    }

    private void show(Context ctx) {
        String flow = flow(ctx);
        Map<String, FieldProfile> profiles = store.profiles(flow);
        if (profiles.isEmpty() && !loadedFlows.get().contains(flow)) {
            throw notFound("no flow '" + flow + "' is loaded and none has learned profiles under that id");
        }
        json(ctx, body(flow, profiles));
    }

    private void reset(Context ctx) {
        String flow = flow(ctx);
        String field = ctx.queryParam("field");
        if (field != null && !Profiles.PATH.matcher(field).matches()) {
            throw badRequest("field '" + ApiSupport.clip(field) + "' is not a field path (keys joined by dots, [] after "
                    + "a key for each element of an array, e.g. Lines[].Quantity)");
        }
        int n = store.resetProfiles(flow, field);
        ObjectNode body = JSON.createObjectNode();
        body.put("flow", flow);
        if (field != null) {
            body.put("field", field);
        }
        body.put("fieldsReset", n);
        json(ctx, body);
    }

    /** The JSON of a flow's profiles, as the API and {@code tandem profiles show --json} print it. */
    public static ObjectNode body(String flow, Map<String, FieldProfile> profiles) {
        ObjectNode body = JSON.createObjectNode();
        body.put("flow", flow);
        body.set("fields", JSON.valueToTree(Profiles.summaries(profiles)));
        return body;
    }
}
