package dev.tandem.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.ApiTokenStore.AdminAuditEntry;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.server.http.Problem;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.router.JavalinDefaultRoutingApi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The admin API ({@code /api/v1}) on Tandem's Javalin listener: where every endpoint is registered
 * ({@link ApiRoutes}), and the one place that checks who calls.
 *
 * <p>Every registered handler runs behind the same guard, in this order: the remote address's rate limit (before
 * the token is looked at, so guessing tokens is throttled too); the bearer token ({@code Authorization: Bearer
 * tdm_…}; missing, malformed, unknown or revoked → 401 with {@code WWW-Authenticate: Bearer}, RFC 6750 section 3);
 * the token's rate limit (429 with {@code Retry-After}); its role (too low → 403). The token's name becomes the
 * actor ({@link ApiRoutes#ACTOR_ATTRIBUTE}). A failing handler's exception becomes a {@link Problem}
 * ({@link ProblemException}, malformed JSON → 400, anything unexpected → 500 without details). Every
 * state-changing call (POST, PUT, PATCH, DELETE) of an authenticated caller, refused ones included, is written to
 * the admin audit log: who, role, method, path, what, status, address; never the body nor the token.
 *
 * <p>Every registration is recorded ({@link #registrations()}) so a test can hold the OpenAPI document
 * ({@code openapi.json} beside this class, served without a token) to the routes that exist.
 */
public final class AdminApi implements ApiRoutes {

    public static final String BASE = "/api/v1";
    public static final String OPENAPI_PATH = BASE + "/openapi.json";
    /** Set by a handler ({@link #describe}) to say in the audit log what it did; else method and route. */
    private static final String ACTION_ATTRIBUTE = "tandem.audit.action";
    /** {@code last_used_at} is written at most this often per token, not once per request. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private static final Logger log = LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** One route: method, path under {@code /api/v1} (OpenAPI's {@code {param}} syntax), and the role it needs. */
    public record Registration(String method, String path, String role) {
    }

    private final ApiTokens tokens;
    private final ApiSettings settings;
    private final Clock clock;
    private final ApiRateLimits limits;
    private final List<Registration> registrations = new CopyOnWriteArrayList<>();
    private final Map<Long, Instant> lastTouched = new ConcurrentHashMap<>();
    private final byte[] openApi;
    private volatile JavalinDefaultRoutingApi routes;
    /** The web console's sessions (cookie + CSRF token), an alternative to the bearer header. */
    private final ConsoleSessions sessions;
    public static final String SESSION_PATH = "/session";

    public AdminApi(ApiTokenStore store, ApiSettings settings, Clock clock) {
        this.tokens = new ApiTokens(store, clock);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.limits = new ApiRateLimits(settings);
        this.openApi = openApiDocument();
        this.sessions = new ConsoleSessions(store, settings.sessionIdle(), settings.sessionMaxAge(), clock);
    }

    /** The OpenAPI 3.1 document of {@code /api/v1} (the resource {@code openapi.json} beside this class). */
    public static byte[] openApiDocument() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Mounts the API on the listener being configured: the OpenAPI document, CORS for the allowed origins (none by
     * default: then no {@code Access-Control-*} header is ever sent). Routes can be registered from then on,
     * also after the listener was created.
     */
    public void install(JavalinConfig cfg) {
        this.routes = cfg.routes;
        // Jetty caches repeated header fields per connection and, by default, matches a cached value ignoring
        // case: a token differing from the previous one only in letter case would be read as the previous one.
        // Bearer tokens are case-sensitive (RFC 6750 section 2.1, b64token), so the cache must be too.
        cfg.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
        List<String> origins = settings.allowedOrigins();
        if (!origins.isEmpty()) {
            cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
                rule.maxAge = 600;
            }));
        }
        cfg.routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/json").result(openApi));
        registrations.add(new Registration("GET", "/openapi.json", "public"));
        cfg.routes.post(BASE + SESSION_PATH, this::signIn);
        registrations.add(new Registration("POST", SESSION_PATH, "public"));
        get(SESSION_PATH, Role.VIEWER, this::showSession);
        delete(SESSION_PATH, Role.VIEWER, this::signOut);
    }

    /** The body of {@code POST /session}. */
    public record SignIn(String token) {
    }

    /**
     * {@code POST /api/v1/session {"token": "tdm_…"}}: the web console's sign-in. A valid token (any role) opens a
     * session: the cookie (HttpOnly, SameSite=Strict, Path=/, Secure on https) and, in the answer, the session's CSRF
     * token. Rate-limited per address like every call; a refused token is 401 as with the bearer header.
     */
    private void signIn(Context ctx) {
        try {
            OptionalLong wait = limits.address(ctx.ip());
            if (wait.isPresent()) {
                throw rateLimited(ctx, wait.getAsLong(), settings.perAddress() + " requests per "
                        + settings.period().toString().substring(2).toLowerCase(Locale.ROOT) + " from one address");
            }
            SignIn in = body(ctx, SignIn.class);
            Optional<ApiToken> token = in.token() == null ? Optional.empty() : tokens.authenticate(in.token().trim());
            if (token.isEmpty()) {
                throw new ProblemException(Problem.of(401, "invalid_token", "Unauthorized",
                        "the API token is malformed, unknown or revoked"));
            }
            Role role = Role.parse(token.get().role());
            ConsoleSessions.Opened opened = sessions.open(token.get());
            ctx.header("Set-Cookie", cookie(ctx, opened.cookieValue(), sessions.maxAge().toSeconds()));
            ctx.header("Cache-Control", "no-store");
            Caller caller = new Caller(token.get(), role, opened.session());
            ctx.status(201).json(sessionView(caller));
            describe(ctx, "signed in to the console");
            audit(ctx, caller, BASE + SESSION_PATH);
        } catch (ProblemException e) {
            send(ctx, e.problem());
        } catch (Exception e) {
            send(ctx, problemOf(ctx, e));
        }
    }

    private void showSession(Context ctx) {
        Caller caller = ctx.attribute(CALLER_ATTRIBUTE);
        ctx.header("Cache-Control", "no-store");
        ctx.json(sessionView(caller));
    }

    /** {@code DELETE /session}: ends the console session of the cookie (a state change: it needs the CSRF token). */
    private void signOut(Context ctx) {
        Caller caller = ctx.attribute(CALLER_ATTRIBUTE);
        if (caller.session() == null) {
            throw ProblemException.badRequest("this call carries a bearer token, not a console session: "
                    + "there is no session to end (revoke the token with DELETE /tokens/{id})");
        }
        sessions.end(ctx.cookie(ConsoleSessions.COOKIE));
        ctx.header("Set-Cookie", cookie(ctx, "", 0));
        describe(ctx, "signed out of the console");
        ctx.status(204);
    }

    private static Map<String, Object> sessionView(Caller caller) {
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("name", caller.token().name());
        view.put("role", caller.role().id());
        if (caller.session() != null) {
            view.put("csrfToken", caller.session().csrfToken());
            view.put("expiresAt", caller.session().expiresAt().toString());
        } else {
            view.put("via", "bearer");
        }
        return view;
    }

    /** The session cookie (RFC 6265 section 4.1); Secure when the request came over https (here or at a proxy). */
    private static String cookie(Context ctx, String value, long maxAgeSeconds) {
        boolean https = "https".equalsIgnoreCase(ctx.scheme())
                || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
        return ConsoleSessions.COOKIE + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds
                + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
    }

    /** The web console's sessions. */
    public ConsoleSessions sessions() {
        return sessions;
    }

    @Override
    public void get(String path, Role role, Handler handler) {
        register(HandlerType.GET, path, role, handler);
    }

    @Override
    public void post(String path, Role role, Handler handler) {
        register(HandlerType.POST, path, role, handler);
    }

    @Override
    public void put(String path, Role role, Handler handler) {
        register(HandlerType.PUT, path, role, handler);
    }

    @Override
    public void patch(String path, Role role, Handler handler) {
        register(HandlerType.PATCH, path, role, handler);
    }

    @Override
    public void delete(String path, Role role, Handler handler) {
        register(HandlerType.DELETE, path, role, handler);
    }

    private void register(HandlerType method, String path, Role role, Handler handler) {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(handler, "handler");
        if (!path.startsWith("/") || path.startsWith(BASE)) {
            throw new IllegalArgumentException("an admin API path is relative to " + BASE + " and starts with '/': "
                    + path);
        }
        JavalinDefaultRoutingApi target = routes;
        if (target == null) {
            throw new IllegalStateException("AdminApi.install(cfg) must run before routes are registered");
        }
        boolean audited = method != HandlerType.GET;
        target.addHttpHandler(method, BASE + path, guard(role, handler, audited, BASE + path), role);
        registrations.add(new Registration(method.name(), path, role.id()));
    }

    /** Every route registered so far, in order (the OpenAPI document included, as role {@code public}). */
    public List<Registration> registrations() {
        return List.copyOf(registrations);
    }

    /**
     * The same token check for an endpoint outside {@code /api/v1} (e.g. {@code /metrics} with
     * {@code api.protectMetrics}): rate limits, token, role; not audited.
     */
    public Handler guarded(Role role, Handler handler) {
        return guard(role, handler, false, null);
    }

    /** Says in the audit log what this call did, e.g. {@code created token ci (viewer)}; never a secret. */
    public static void describe(Context ctx, String action) {
        ctx.attribute(ACTION_ATTRIBUTE, action);
    }

    /**
     * The request's JSON body as {@code type}: an empty or malformed body, or unknown members, is a 400 problem
     * that says what is wrong.
     */
    public static <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw ProblemException.badRequest("this endpoint needs a JSON body");
        }
        try {
            T value = JSON.readValue(bytes, type);
            if (value == null) {
                throw ProblemException.badRequest("this endpoint needs a JSON object, not null");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw malformed(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException malformed(JsonProcessingException e) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return new ProblemException(Problem.of(400, "malformed_json", "Malformed JSON body",
                "the body is not the JSON this endpoint takes" + where + ": " + e.getOriginalMessage()));
    }

    /** The caller of a request that passed the token check: by bearer token, or by console session (non-null). */
    private record Caller(ApiToken token, Role role, ConsoleSessions.Session session) {
    }

    private static final String CALLER_ATTRIBUTE = "tandem.caller";

    private Handler guard(Role needed, Handler handler, boolean audited, String route) {
        return ctx -> {
            Caller caller;
            try {
                caller = authenticate(ctx);
            } catch (ProblemException e) {
                send(ctx, e.problem());
                return;
            }
            try {
                if (!caller.role().allows(needed)) {
                    throw new ProblemException(Problem.of(403, "forbidden", "Forbidden", "this needs "
                            + article(needed) + " " + needed.id() + " token (you have " + caller.role().id() + ")")
                            .with("requiredRole", needed.id()).with("role", caller.role().id()));
                }
                ctx.attribute(ACTOR_ATTRIBUTE, caller.token().name());
                ctx.attribute(CALLER_ATTRIBUTE, caller);
                handler.handle(ctx);
            } catch (Exception e) {
                send(ctx, problemOf(ctx, e));
            } finally {
                if (audited) {
                    audit(ctx, caller, route);
                }
            }
        };
    }

    private Caller authenticate(Context ctx) {
        String address = ctx.ip();
        OptionalLong wait = limits.address(address);
        if (wait.isPresent()) {
            throw rateLimited(ctx, wait.getAsLong(), settings.perAddress() + " requests per "
                    + settings.period().toString().substring(2).toLowerCase(Locale.ROOT) + " from one address");
        }
        String header = ctx.header("Authorization");
        String cookie = ctx.cookie(ConsoleSessions.COOKIE);
        if ((header == null || header.isBlank()) && cookie != null && !cookie.isEmpty()) {
            return sessionCaller(ctx, cookie);
        }
        if (header == null || header.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tandem\"");
            throw new ProblemException(Problem.of(401, "unauthorized", "Unauthorized",
                    "this endpoint needs an API token: send Authorization: Bearer <token> "
                            + "(create one with `tandem tokens create`)"));
        }
        String secret = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Optional<ApiToken> token = secret == null ? Optional.empty() : tokens.authenticate(secret);
        if (token.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"tandem\", error=\"invalid_token\", "
                    + "error_description=\"the token is malformed, unknown or revoked\"");
            throw new ProblemException(Problem.of(401, "invalid_token", "Unauthorized",
                    "the API token is malformed, unknown or revoked"));
        }
        ApiToken t = token.get();
        limitToken(ctx, t);
        Role role = roleOf(t);
        touch(t);
        return new Caller(t, role, null);
    }

    /**
     * The caller of a request with the console's session cookie (and no bearer header): the session must be live
     * and its token still active; a state-changing method must carry the session's CSRF token (403 otherwise).
     */
    private Caller sessionCaller(Context ctx, String cookie) {
        Optional<ConsoleSessions.Session> session = sessions.find(cookie);
        Optional<ApiToken> token = session.flatMap(s -> tokens.store().find(s.tokenId())).filter(ApiToken::active);
        if (token.isEmpty()) {
            sessions.end(cookie);
            ctx.header("WWW-Authenticate", "Bearer realm=\"tandem\"");
            throw new ProblemException(Problem.of(401, "session_expired", "Unauthorized",
                    "the console session is unknown, expired or signed out, or its token was revoked: sign in again"));
        }
        ApiToken t = token.get();
        limitToken(ctx, t);
        String method = ctx.method().name();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")
                && !session.get().csrfMatches(ctx.header(ConsoleSessions.CSRF_HEADER))) {
            throw new ProblemException(Problem.of(403, "csrf_failed", "Forbidden",
                    "a state-changing call with the console's session cookie needs the session's CSRF token in the "
                            + ConsoleSessions.CSRF_HEADER + " header (missing or wrong)"));
        }
        Role role = roleOf(t);
        touch(t);
        return new Caller(t, role, session.get());
    }

    /** 429 when the token is over its own rate limit. */
    private void limitToken(Context ctx, ApiToken t) {
        OptionalLong tokenWait = limits.token(t.id());
        if (tokenWait.isPresent()) {
            throw rateLimited(ctx, tokenWait.getAsLong(), settings.perToken() + " requests per "
                    + settings.period().toString().substring(2).toLowerCase(Locale.ROOT) + " for one token");
        }
    }

    /** The token's role; a role this version does not know makes the token unusable (401). */
    private static Role roleOf(ApiToken t) {
        try {
            return Role.parse(t.role());
        } catch (IllegalArgumentException e) {
            throw new ProblemException(Problem.of(401, "invalid_token", "Unauthorized",
                    "the API token has an unknown role '" + t.role() + "'; create a new one"));
        }
    }

    private static ProblemException rateLimited(Context ctx, long seconds, String limit) {
        ctx.header("Retry-After", Long.toString(seconds));
        return new ProblemException(Problem.of(429, "rate_limited", "Too many requests",
                "over the admin API's rate limit (" + limit + "); retry after " + seconds + " s")
                .with("retryAfterSeconds", seconds));
    }

    /** {@code last_used_at} to the minute: one write per token per {@link #TOUCH_INTERVAL}, not per request. */
    private void touch(ApiToken token) {
        Instant now = clock.instant();
        Instant[] due = new Instant[1];
        lastTouched.compute(token.id(), (id, last) -> {
            if (last == null || !now.isBefore(last.plus(TOUCH_INTERVAL))) {
                due[0] = now;
                return now;
            }
            return last;
        });
        if (due[0] != null) {
            try {
                tokens.store().touch(token.id(), due[0]);
            } catch (RuntimeException e) {
                log.warn("Could not record the use of API token {}: {}", token.id(), e.getMessage());
            }
        }
    }

    private void audit(Context ctx, Caller caller, String route) {
        Object described = ctx.attribute(ACTION_ATTRIBUTE);
        String action = described != null ? described.toString() : ctx.method().name() + " " + route;
        try {
            tokens.store().audit(new AdminAuditEntry(0, clock.instant(), caller.token().name(), caller.role().id(),
                    ctx.method().name(), ctx.path(), action, ctx.statusCode(), ctx.ip()));
        } catch (RuntimeException e) {
            // The action itself has happened; losing its audit row is logged loudly rather than hidden.
            log.error("Could not write the admin audit log for {} {} by {}: {}", ctx.method(), ctx.path(),
                    caller.token().name(), e.getMessage());
        }
    }

    private static Problem problemOf(Context ctx, Exception e) {
        if (e instanceof ProblemException p) {
            return p.problem();
        }
        if (e instanceof JsonProcessingException j) {
            return malformed(j).problem();
        }
        if (e.getCause() instanceof JsonProcessingException j) {
            return malformed(j).problem();
        }
        if (e instanceof HttpResponseException h) {
            String code = switch (h.getStatus()) {
                case 400 -> "bad_request";
                case 404 -> "not_found";
                case 409 -> "conflict";
                default -> "http_" + h.getStatus();
            };
            return Problem.of(h.getStatus(), code, h.getMessage(), h.getMessage());
        }
        log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
        return Problem.of(500, "internal_error", "Internal error",
                "Tandem failed to handle the request; see the server log");
    }

    private static void send(Context ctx, Problem problem) {
        problem.withInstance(ctx.path()).send(ctx);
    }

    /** The 404 problem for a path under {@code /api/v1} that matches no route. */
    public static void notFound(Context ctx) {
        send(ctx, Problem.of(404, "not_found", "Not found", "no such endpoint: " + ctx.method() + " " + ctx.path()
                + " (the API is described at " + OPENAPI_PATH + ")"));
    }

    private static String article(Role role) {
        return role == Role.ADMIN || role == Role.OPERATOR ? "an" : "a";
    }

    /** The bearer-token handling of this API, for the endpoints that manage tokens. */
    public ApiTokens tokens() {
        return tokens;
    }
}
