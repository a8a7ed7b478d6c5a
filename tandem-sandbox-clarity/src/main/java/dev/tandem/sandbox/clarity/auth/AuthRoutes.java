package dev.tandem.sandbox.clarity.auth;

import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /auth/identity}, {@code /auth/logout} and {@code GET /Contacts/CurrentUser} (spec §4, §9).
 */
public final class AuthRoutes {

    /** The integration user's ID; customers' users start at 2001, so it never collides with them. */
    public static final int INTEGRATION_USER_ID = 1;

    private final String basePath;
    private final UserDirectory users;
    private final SessionStore sessions;
    private final SessionGuard guard;
    private final JsonResponder responder;
    private final Instant createdDate;

    public AuthRoutes(String basePath, UserDirectory users, SessionStore sessions, SessionGuard guard,
            JsonResponder responder, Instant createdDate) {
        this.basePath = basePath;
        this.users = users;
        this.sessions = sessions;
        this.guard = guard;
        this.responder = responder;
        this.createdDate = createdDate;
    }

    public AuthRoutes(String basePath, Credentials credentials, SessionStore sessions, SessionGuard guard,
            JsonResponder responder, Instant createdDate) {
        this(basePath, new UserDirectory(List.of(credentials)), sessions, guard, responder, createdDate);
    }

    public void register(RoutesConfig routes) {
        routes.post(basePath + "/auth/identity", this::login);
        routes.post(basePath + "/auth/logout", this::logout);
        routes.get(basePath + "/auth/logout", this::logout);
        routes.get(basePath + "/Contacts/CurrentUser", guard.protect(ctx -> responder.send(ctx,
                userModel(guard.require(ctx)))));
    }

    private void login(Context ctx) {
        LoginRequest request = responder.json().read(ctx.bodyAsBytes(), LoginRequest.class);
        Credentials login = users.authenticate(request.username(), request.password())
                .orElseThrow(ClarityHttpException::invalidCredentials);
        boolean permanent = request.rememberMe() == null || request.rememberMe();
        Session session = sessions.open(login.userName(), permanent);
        UserModel user = userModel(login.userName());
        // ServiceStack's session cookies (spec §4): ss-id for the request session, ss-pid permanent, ss-opt its mode.
        ctx.res().addHeader("Set-Cookie", "ss-id=" + session.sessionId() + "; Path=/; HttpOnly; SameSite=Lax");
        ctx.res().addHeader("Set-Cookie",
                "ss-pid=" + session.permanentId() + "; Path=/; Max-Age=631138519; HttpOnly; SameSite=Lax");
        ctx.res().addHeader("Set-Cookie",
                "ss-opt=" + (permanent ? "perm" : "temp") + "; Path=/; Max-Age=631138519; HttpOnly; SameSite=Lax");
        responder.send(ctx, new AuthenticateResponse(String.valueOf(user.id()),
                permanent ? session.permanentId() : session.sessionId(), user.userName(), user.displayName()));
    }

    private void logout(Context ctx) {
        for (String id : new String[] {ctx.header("X-ss-pid"), ctx.header("X-ss-id"), ctx.cookie("ss-pid"),
                ctx.cookie("ss-id")}) {
            sessions.touch(id).ifPresent(sessions::close);
        }
        for (String cookie : new String[] {"ss-id", "ss-pid", "ss-opt"}) {
            ctx.res().addHeader("Set-Cookie", cookie + "=; Path=/; Max-Age=0");
        }
        responder.send(ctx, Map.of());
    }

    /** The UserModel of a login: the integration user is ID 1, further logins follow it. */
    private UserModel userModel(String userName) {
        int index = users.logins().indexOf(users.byName(userName).orElse(users.integrationUser()));
        UserModel base = integrationUser(users.logins().get(index).userName(), createdDate);
        return index == 0 ? base : new UserModel(INTEGRATION_USER_ID + index, "USR-LOGIN-" + index, true,
                createdDate, null, null, Map.of(), base.userName(), base.email(), true, null, false, false, false, 0,
                true, base.userName(), false, base.typeId(), base.typeKey(), base.typeName(), base.statusId(),
                base.statusKey(), base.statusName(), null, null, null, base.contactId(), base.contactKey(), null,
                base.contactEmail(), base.contactFirstName(), base.contactLastName(), base.contact());
    }

    private static UserModel integrationUser(String userName, Instant createdDate) {
        ContactModel contact = new ContactModel(9000, "CON-INTEGRATION", true, createdDate, null, null, Map.of(),
                Lookup.CONTACT_TYPE_USER.id(), Lookup.CONTACT_TYPE_USER.key(), Lookup.CONTACT_TYPE_USER.name(),
                "Tandem", null, "Integration", "Tandem Integration", null, null, userName + "@tandem.invalid",
                null, null, false, null, null, null);
        return new UserModel(INTEGRATION_USER_ID, "USR-INTEGRATION", true, createdDate, null, null, Map.of(),
                userName, contact.email1(), true, null, false, false, false, 0, true, "Tandem Integration", false,
                Lookup.USER_TYPE_ADMINISTRATOR.id(), Lookup.USER_TYPE_ADMINISTRATOR.key(),
                Lookup.USER_TYPE_ADMINISTRATOR.name(), Lookup.USER_STATUS_REGISTERED.id(),
                Lookup.USER_STATUS_REGISTERED.key(), Lookup.USER_STATUS_REGISTERED.name(), null, null, null,
                contact.id(), contact.customKey(), null, contact.email1(), contact.firstName(), contact.lastName(),
                contact);
    }
}
