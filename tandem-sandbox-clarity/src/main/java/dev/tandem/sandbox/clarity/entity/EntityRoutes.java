package dev.tandem.sandbox.clarity.entity;

import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.Nameable;
import dev.tandem.sandbox.clarity.search.EntitySearch;
import dev.tandem.sandbox.clarity.store.EntityTable;
import dev.tandem.sandbox.clarity.wire.CefDates;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import dev.tandem.sandbox.clarity.wire.QueryParams;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;

/**
 * The uniform route set CEF generates for every entity (spec §5), for one {@code <Module>/<Entity>}:
 * list with paging, {@code ForConnect}, {@code Digest}, by ID, by key, {@code Exists}, and the soft-delete pair
 * {@code Deactivate}/{@code Reactivate}. Keys may contain slashes ({@code Key/{Key*}}), hence {@code <Key>}.
 *
 * @param <T> the wire model
 */
public final class EntityRoutes<T extends CefModel> {

    private final String basePath;
    private final String module;
    private final EntityTable<T> table;
    private final EntitySearch<T> search;
    private final SessionGuard guard;
    private final JsonResponder responder;
    private final Clock clock;
    private final Consumer<T> onUpdated;
    private final boolean writable;

    /**
     * @param onUpdated told about every row a route changed, after it is stored (the webhook extension, §11)
     */
    public EntityRoutes(String basePath, String module, EntityTable<T> table, EntitySearch<T> search,
            SessionGuard guard, JsonResponder responder, Clock clock, Consumer<T> onUpdated) {
        this(basePath, module, table, search, guard, responder, clock, onUpdated, true);
    }

    /**
     * @param writable false for read-only entities such as {@code Ordering/SalesOrderStatus} (no Deactivate and
     *     Reactivate routes, clarity-routes.md lists none)
     */
    public EntityRoutes(String basePath, String module, EntityTable<T> table, EntitySearch<T> search,
            SessionGuard guard, JsonResponder responder, Clock clock, Consumer<T> onUpdated, boolean writable) {
        this.writable = writable;
        this.basePath = basePath;
        this.module = module;
        this.table = table;
        this.search = search;
        this.guard = guard;
        this.responder = responder;
        this.clock = clock;
        this.onUpdated = onUpdated;
    }

    public void register(RoutesConfig routes) {
        String entity = basePath + "/" + module + "/" + table.entityName();
        String plural = basePath + "/" + module + "/" + table.pluralName();
        // Permission strings of the generated DTOs: "<Module>.<Entity>.<Action>" (spec §4, §5).
        String permission = module + "." + table.entityName() + ".";
        routes.get(plural, guard.protect(this::list));
        routes.get(plural + "ForConnect", guard.protect(permission + "View", this::forConnect));
        routes.post(plural + "ForConnect", guard.protect(permission + "View", this::forConnect));
        routes.get(plural + "Digest", guard.protect(permission + "View", this::digest));
        routes.get(entity + "/ID/{ID}", guard.protect(ctx -> responder.send(ctx, byId(ctx))));
        routes.get(entity + "/Key/<Key>", guard.protect(ctx -> responder.send(ctx, byKey(ctx))));
        routes.get(entity + "/Name", guard.protect(ctx -> responder.send(ctx, byName(ctx))));
        routes.get(entity + "/Exists/ID/{ID}", guard.protect(permission + "View", ctx -> exists(ctx,
                table.byId(id(ctx)).isPresent() ? id(ctx) : null)));
        routes.get(entity + "/Exists/Key/<Key>", guard.protect(permission + "View", ctx -> exists(ctx,
                table.byKey(ctx.pathParam("Key")).map(CefModel::id).orElse(null))));
        if (!writable) {
            return;
        }
        String deactivate = permission + "Deactivate";
        String reactivate = permission + "Reactivate";
        routes.patch(entity + "/Deactivate/ID/{ID}", guard.protect(deactivate, ctx -> setActive(ctx, byId(ctx), false)));
        routes.patch(entity + "/Deactivate/Key/<Key>", guard.protect(deactivate,
                ctx -> setActive(ctx, byKey(ctx), false)));
        routes.patch(entity + "/Reactivate/ID/{ID}", guard.protect(reactivate, ctx -> setActive(ctx, byId(ctx), true)));
        routes.patch(entity + "/Reactivate/Key/<Key>", guard.protect(reactivate,
                ctx -> setActive(ctx, byKey(ctx), true)));
    }

    /** {@code GET /<M>/<E>/Name?Name=}: the first row with exactly that name (Nameable entities only). */
    private T byName(Context ctx) {
        String name = ctx.queryParam("Name");
        if (name == null || name.isBlank()) {
            throw ClarityHttpException.badRequest("ArgumentNullException", "Name is required");
        }
        return table.all().stream()
                .filter(row -> row instanceof Nameable n && name.trim().equalsIgnoreCase(n.name()))
                .findFirst()
                .orElseThrow(() -> ClarityHttpException.notFound(
                        table.entityName() + " with Name '" + name + "' was not found"));
    }

    private void list(Context ctx) {
        QueryParams query = new QueryParams(ctx.queryParamMap());
        responder.send(ctx, search.search(candidates(query), query));
    }

    /** {@code *ForConnect}: the same search, as a bare list without the paging wrapper (spec §5). */
    private void forConnect(Context ctx) {
        QueryParams query = new QueryParams(ctx.queryParamMap());
        responder.send(ctx, search.search(candidates(query), query).results());
    }

    /**
     * The rows a search can return: with an {@code ID} or {@code IDs} filter only those rows (looked up by id, the
     * way a database answers it from the primary key), else every row. The search's filters still all apply, so the
     * answer is the same as filtering every row.
     */
    private List<T> candidates(QueryParams query) {
        java.util.Optional<Integer> id = query.integer("ID");
        List<Integer> ids = query.integers("IDs");
        if (id.isEmpty() && ids.isEmpty()) {
            return table.all();
        }
        java.util.Set<Integer> wanted = new java.util.TreeSet<>(ids);
        id.ifPresent(wanted::add);
        List<T> rows = new java.util.ArrayList<>(wanted.size());
        for (int each : wanted) {
            table.byId(each).ifPresent(rows::add);
        }
        return rows;
    }

    private void digest(Context ctx) {
        QueryParams query = new QueryParams(ctx.queryParamMap());
        responder.send(ctx, search.search(candidates(query), query).results().stream()
                .map(row -> new DigestModel(row.id(), row.customKey(), row.hash())).toList());
    }

    private void exists(Context ctx, Integer id) {
        if (id == null) {
            responder.sendNull(ctx);
        } else {
            responder.send(ctx, id);
        }
    }

    private void setActive(Context ctx, T row, boolean active) {
        if (row.active() != active) {
            T stored = table.modify(row.id(), tree -> {
                tree.put("Active", active);
                tree.put("UpdatedDate", CefDates.format(clock.instant()));
            }).orElseThrow();
            onUpdated.accept(stored);
        }
        responder.send(ctx, CefActionResponse.succeeded());
    }

    private T byId(Context ctx) {
        int id = id(ctx);
        return table.byId(id).orElseThrow(() -> ClarityHttpException.notFound(
                table.entityName() + " with ID " + id + " was not found"));
    }

    private T byKey(Context ctx) {
        String key = ctx.pathParam("Key");
        return table.byKey(key).orElseThrow(() -> ClarityHttpException.notFound(
                table.entityName() + " with CustomKey '" + key + "' was not found"));
    }

    private static int id(Context ctx) {
        String raw = ctx.pathParam("ID");
        try {
            return Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind 'ID': '" + raw + "' is not an Int32");
        }
    }
}
