package dev.tandem.server.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Where a part of the admin API registers its endpoints. Paths are relative to {@code /api/v1} (e.g.
 * {@code /dead-letters/{id}}); the implementation mounts them, checks the bearer token and its role before the
 * handler runs, rate-limits, writes the admin audit log for state-changing calls, and renders failures as
 * {@link dev.tandem.server.http.Problem}s. Every route must also be described in the OpenAPI document
 * ({@code /api/v1/openapi.json}); a test fails when one is missing.
 */
public interface ApiRoutes {

    /** The request attribute holding who calls: the token's name (set by the security filter before handlers run). */
    String ACTOR_ATTRIBUTE = "tandem.actor";

    void get(String path, Role role, Handler handler);

    void post(String path, Role role, Handler handler);

    void put(String path, Role role, Handler handler);

    void patch(String path, Role role, Handler handler);

    void delete(String path, Role role, Handler handler);

    /** Who calls, for the history of what they change: the token's name, or {@code anonymous}. */
    static String actor(Context ctx) {
        Object a = ctx.attribute(ACTOR_ATTRIBUTE);
        return a == null ? "anonymous" : a.toString();
    }
}
