package dev.tandem.sandbox.clarity.auth;

import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The {@code [Authenticate]} attribute of CEF's DTOs (spec §4). A request is authenticated by
 * <ul>
 *   <li>the {@code ss-id}/{@code ss-pid} cookies set by {@code /auth/identity},</li>
 *   <li>the headers {@code X-ss-pid} (+ {@code X-ss-opt: perm}) or {@code X-ss-id} that server-side callers send, or</li>
 *   <li>{@code Authorization: Basic}, ServiceStack's {@code BasicAuthProvider} ({@code basic} in
 *       {@code Clarity.API.Auth.Providers}).</li>
 * </ul>
 * Otherwise it ends with 401 {@code {"StatusCode":401,"StatusDescription":"Unauthorized","Message":...}} (spec §9).
 * A route that also carries a {@code [RequiredPermission("Accounts.Account.Create")]} string (spec §4, §5.1) ends
 * with 403 {@code {"StatusCode":403,"StatusDescription":"Forbidden","Message":"Invalid Permission ..."}} for a login
 * that lacks it ("Invalid Permission" is ServiceStack's {@code ErrorMessages.InvalidPermission}).
 */
public final class SessionGuard {

    private final SessionStore sessions;
    private final UserDirectory users;

    public SessionGuard(SessionStore sessions, UserDirectory users) {
        this.sessions = sessions;
        this.users = users;
    }

    /** A guard with one login that holds every permission. */
    public SessionGuard(SessionStore sessions, Credentials credentials) {
        this(sessions, new UserDirectory(List.of(credentials)));
    }

    /** Wraps a handler so it only runs for an authenticated caller holding {@code permission}. */
    public Handler protect(String permission, Handler handler) {
        return ctx -> {
            requirePermission(ctx, permission);
            handler.handle(ctx);
        };
    }

    /** Authenticates the caller and checks one permission string; 401 or 403 otherwise. */
    public Credentials requirePermission(Context ctx, String permission) {
        String userName = require(ctx);
        Credentials login = users.byName(userName)
                .orElseThrow(() -> ClarityHttpException.unauthorized("Not Authenticated"));
        if (!login.holds(permission)) {
            throw ClarityHttpException.forbidden("Invalid Permission: " + permission + " is required");
        }
        return login;
    }

    /** Wraps a handler so it only runs for an authenticated request. */
    public Handler protect(Handler handler) {
        return ctx -> {
            require(ctx);
            handler.handle(ctx);
        };
    }

    /** The user name of the authenticated caller, or 401. */
    public String require(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return basic(authorization.substring(6).trim());
        }
        return Stream.of(ctx.header("X-ss-pid"), ctx.header("X-ss-id"), ctx.cookie("ss-pid"), ctx.cookie("ss-id"))
                .map(sessions::touch)
                .flatMap(Optional::stream)
                .findFirst()
                .map(Session::userName)
                .orElseThrow(() -> ClarityHttpException.unauthorized("Not Authenticated"));
    }

    private String basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.unauthorized("Invalid BasicAuth credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw ClarityHttpException.unauthorized("Invalid BasicAuth credentials");
        }
        return users.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
                .map(Credentials::userName)
                .orElseThrow(() -> ClarityHttpException.unauthorized("Invalid BasicAuth credentials"));
    }
}
