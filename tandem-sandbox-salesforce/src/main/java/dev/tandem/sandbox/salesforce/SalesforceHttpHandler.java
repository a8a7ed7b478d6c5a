package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.salesforce.auth.AccessTokens;
import dev.tandem.sandbox.salesforce.auth.IdentityResource;
import dev.tandem.sandbox.salesforce.auth.OAuthTokenEndpoint;
import dev.tandem.sandbox.salesforce.bulk.BulkIngestJobs;
import dev.tandem.sandbox.salesforce.bulk.BulkReply;
import dev.tandem.sandbox.salesforce.data.CommitOrigin;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.dml.WriteContext;
import dev.tandem.sandbox.salesforce.rest.ApiRequest;
import dev.tandem.sandbox.salesforce.rest.ApiUsage;
import dev.tandem.sandbox.salesforce.rest.ApiVersions;
import dev.tandem.sandbox.salesforce.rest.CallScope;
import dev.tandem.sandbox.salesforce.rest.RestApi;
import dev.tandem.sandbox.salesforce.rest.SubRequests;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import io.javalin.http.Context;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps HTTP onto the emulated org: the OAuth and identity endpoints, the versions list, the authenticated and
 * metered data API, and the sandbox's own control API. Every answer is JSON with Salesforce's content type.
 */
final class SalesforceHttpHandler {

    static final String JSON_CONTENT_TYPE = "application/json;charset=UTF-8";
    private static final String DATA_PREFIX = "/services/data/";
    private static final Pattern CALL_OPTIONS_CLIENT = Pattern.compile("(?:^|[,;\\s])client=([^,;\\s]+)");
    private static final Pattern ALLOW_SAVE = Pattern.compile("(?i)(?:^|[,;\\s])allowSave\\s*=\\s*true\\b");
    private static final Pattern IDENTITY_PATH = Pattern.compile("/id/([A-Za-z0-9]+)/([A-Za-z0-9]+)/?");

    private final OAuthTokenEndpoint tokenEndpoint;
    private final IdentityResource identity;
    private final AccessTokens tokens;
    private final ApiUsage usage;
    private final FaultInjector faults;
    private final DataStore store;
    private final RestApi api;
    private final SandboxControlApi control;
    private final BulkIngestJobs bulk;
    private final Clock clock;
    private final String userId;
    private final Supplier<String> actingUser;

    SalesforceHttpHandler(OAuthTokenEndpoint tokenEndpoint, IdentityResource identity, AccessTokens tokens,
            ApiUsage usage, FaultInjector faults, DataStore store, RestApi api, SandboxControlApi control,
            BulkIngestJobs bulk, Clock clock, String userId, Supplier<String> actingUser) {
        this.actingUser = actingUser;
        this.bulk = bulk;
        this.tokenEndpoint = tokenEndpoint;
        this.identity = identity;
        this.tokens = tokens;
        this.usage = usage;
        this.faults = faults;
        this.store = store;
        this.api = api;
        this.control = control;
        this.clock = clock;
        this.userId = userId;
    }

    /** "414 The length of the URI exceeds the 16,384-byte limit" / "431 The combined length of the URI and headers
     * exceeds the 16,384-byte limit" (REST API "Status Codes and Error Responses", spec §2.2, §5). */
    static final int MAX_URI_BYTES = 16_384;

    void handle(Context ctx) throws InterruptedException {
        String path = ctx.path();
        String method = ctx.method().name();
        String query = ctx.req().getQueryString();
        int uriBytes = ctx.req().getRequestURI().length() + (query == null ? 0 : query.length() + 1);
        if (uriBytes > MAX_URI_BYTES) {
            // The body of these answers is not documented; the sandbox gives the usual error array [inferred].
            write(ctx, ApiResponse.error(new ApiException(414, List.of(ApiError.of("URI_TOO_LONG",
                    "The length of the URI exceeds the 16,384-byte limit")))), false);
            return;
        }
        int headerBytes = 0;
        for (String name : java.util.Collections.list(ctx.req().getHeaderNames())) {
            for (String value : java.util.Collections.list(ctx.req().getHeaders(name))) {
                headerBytes += name.length() + 2 + value.length();
            }
        }
        if (uriBytes + headerBytes > MAX_URI_BYTES) {
            write(ctx, ApiResponse.error(new ApiException(431, List.of(ApiError.of("REQUEST_HEADER_FIELDS_TOO_LARGE",
                    "The combined length of the URI and headers exceeds the 16,384-byte limit")))), false);
            return;
        }
        if (path.equals("/services/oauth2/token")) {
            token(ctx, method);
        } else if (path.equals("/services/oauth2/revoke")) {
            revoke(ctx);
        } else if (path.equals("/services/oauth2/userinfo")) {
            userinfo(ctx);
        } else if (path.startsWith("/id/")) {
            identity(ctx, path);
        } else if (path.startsWith("/_sandbox/")) {
            ApiResponse response = control.handle(method, path.substring("/_sandbox/".length()), ctx.bodyAsBytes());
            write(ctx, response, false);
        } else if (path.equals("/services/data") || path.equals(DATA_PREFIX)) {
            // The versions list needs no session and does not count against the limit (spec §2.1).
            write(ctx, method.equals("GET") || method.equals("HEAD") ? ApiResponse.of(200, versions())
                    : ApiResponse.error(new ApiException(405, List.of(ApiError.of("METHOD_NOT_ALLOWED",
                            "HTTP Method '" + method + "' not allowed. Allowed are GET,HEAD")))), false);
        } else if (path.startsWith(DATA_PREFIX)) {
            data(ctx, method, path);
        } else {
            write(ctx, ApiResponse.error(ApiException.notFound(ApiError.notFound())), false);
        }
    }

    private static JsonNode versions() {
        return ApiVersions.list();
    }

    private void data(Context ctx, String method, String path) throws InterruptedException {
        List<String> segments = SubRequests.segments(path.substring(DATA_PREFIX.length()));
        String version = segments.isEmpty() ? null : ApiVersions.fromSegment(segments.getFirst()).orElse(null);
        if (version == null) {
            write(ctx, ApiResponse.error(ApiException.notFound(ApiError.notFound())), false);
            return;
        }
        if (!tokens.isValid(bearerToken(ctx))) {
            write(ctx, ApiResponse.error(new ApiException(401, List.of(
                    ApiError.of("INVALID_SESSION_ID", "Session expired or invalid")))), false);
            return;
        }
        if (!usage.tryAcquire()) {
            write(ctx, ApiResponse.error(new ApiException(403, List.of(
                    ApiError.of("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")))), true);
            return;
        }
        if (faults.rollServerError()) {
            write(ctx, ApiResponse.error(new ApiException(503, List.of(ApiError.of("SERVER_UNAVAILABLE",
                    "The server is temporarily unable to service your request due to maintenance downtime or"
                            + " capacity problems. Please try again later.")))), true);
            return;
        }
        Duration latency = faults.latency();
        if (!latency.isZero()) {
            // Server-side delay of the emulated org; virtual threads make sleeping cheap here.
            Thread.sleep(latency);
        }
        boolean head = method.equals("HEAD");
        Map<String, String> headers = new LinkedHashMap<>();
        ctx.headerMap().forEach(headers::put);
        byte[] rawBody = ctx.bodyAsBytes();
        boolean bulkJobs = segments.size() >= 2 && segments.get(1).equals("jobs");
        ApiRequest request = new ApiRequest(head ? "GET" : method, version, segments.subList(1, segments.size()),
                ctx.queryParamMap(), bulkJobs ? null : parseOutsideLock(method, rawBody), rawBody, headers);
        if (request.depth() >= 1 && request.segment(0).equals("jobs")) {
            // Bulk API 2.0 manages its own jobs and transactions (spec §5); results are CSV, not JSON.
            writeBulk(ctx, bulk.handle(request, callOptionsClient(ctx)), head);
            return;
        }
        boolean graph = request.depth() >= 2 && request.segment(0).equals("composite")
                && request.segment(1).equals("graph");
        // A graph request decides its lock faults per graph; any other write call decides once.
        LockFault lockFault = request.isWrite() && !graph ? faults.newLockFault() : LockFault.none();
        // "Change as a user" (control API): the write is a human user's, without Tandem's client id.
        String human = actingUser.get();
        String user = human != null ? human : userId;
        String client = human != null ? null : callOptionsClient(ctx);
        WriteContext write = new WriteContext(clock.instant(), user, client, lockFault, allowDuplicateSave(ctx),
                version);
        // changeOrigin of REST writes: com/salesforce/api/rest/<version>;client=<id> (spec §4.2).
        CommitOrigin origin = request.isWrite() ? new CommitOrigin("rest", version, client, user, write.now()) : null;
        ApiResponse response = store.transaction(origin, tx -> api.execute(request, new CallScope(tx, write)));
        if (head) {
            response = new ApiResponse(response.status(), response.headers(), null);
        }
        write(ctx, response, true);
    }

    /**
     * A write's JSON body, parsed before the store's lock is taken so that parsing does not serialise requests.
     * Null when there is none or it does not parse: the resource then parses {@code rawBody} itself, inside the
     * transaction, and reports the error exactly where it always has.
     */
    private static JsonNode parseOutsideLock(String method, byte[] rawBody) {
        if (method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD") || rawBody == null
                || rawBody.length == 0) {
            return null;
        }
        try {
            return Json.parseBody(rawBody);
        } catch (ApiException | UncheckedIOException e) {
            return null;
        }
    }

    private void token(Context ctx, String method) {
        Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
        // Form bodies may arrive chunked, without Content-Length (spec §9 "Content type").
        SubRequests.queryParameters(new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8)).forEach(params::put);
        OAuthTokenEndpoint.TokenResponse response =
                tokenEndpoint.token(method, params, ctx.header("Authorization"));
        ctx.status(response.status());
        ctx.header("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private");
        writeJson(ctx, Json.write(response.body()));
    }

    private void revoke(Context ctx) {
        Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
        SubRequests.queryParameters(new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8)).forEach(params::put);
        List<String> token = params.get("token");
        if (token != null && !token.isEmpty()) {
            tokenEndpoint.revoke(token.getFirst());
        }
        ctx.status(200);
    }

    private void identity(Context ctx, String path) {
        String token = bearerToken(ctx);
        if (token == null) {
            token = ctx.queryParam("oauth_token");
        }
        if (!tokens.isValid(token)) {
            write(ctx, ApiResponse.error(new ApiException(401, List.of(
                    ApiError.of("INVALID_SESSION_ID", "Session expired or invalid")))), false);
            return;
        }
        Matcher matcher = IDENTITY_PATH.matcher(path);
        if (!matcher.matches() || !identity.matches(matcher.group(1), matcher.group(2))) {
            write(ctx, ApiResponse.error(ApiException.notFound(ApiError.notFound())), false);
            return;
        }
        write(ctx, ApiResponse.of(200, identity.identity()), false);
    }

    /** OpenID Connect userinfo of the session's user (spec §9; clients read the org id from it). */
    private void userinfo(Context ctx) {
        String token = bearerToken(ctx);
        if (!tokens.isValid(token)) {
            write(ctx, ApiResponse.error(new ApiException(401, List.of(
                    ApiError.of("INVALID_SESSION_ID", "Session expired or invalid")))), false);
            return;
        }
        write(ctx, ApiResponse.of(200, identity.userinfo()), false);
    }

    private void writeBulk(Context ctx, BulkReply reply, boolean head) {
        if (reply.json() != null) {
            ApiResponse response = reply.json();
            write(ctx, head ? new ApiResponse(response.status(), response.headers(), null) : response, true);
            return;
        }
        ctx.status(200);
        ctx.header("Sforce-Limit-Info", usage.header());
        ctx.contentType("text/csv");
        ctx.result(head ? new byte[0] : reply.csv());
    }

    /** Writes a response; data calls carry {@code Sforce-Limit-Info} (spec §2.7). */
    void write(Context ctx, ApiResponse response, boolean limitInfo) {
        ctx.status(response.status());
        response.headers().forEach(ctx::header);
        if (limitInfo) {
            ctx.header("Sforce-Limit-Info", usage.header());
        }
        if (response.body() != null) {
            writeJson(ctx, Json.write(response.body()));
        }
    }

    /**
     * Writes a JSON body with exactly {@code application/json;charset=UTF-8} (spec §9 "Content type"). The servlet
     * API would normalise the charset to lower case, so the header goes straight into Jetty's response fields.
     */
    private static void writeJson(Context ctx, byte[] body) {
        ServletContextRequest.getServletContextRequest(ctx.req()).getServletContextResponse().getWrapped()
                .getHeaders().put(new HttpField(HttpHeader.CONTENT_TYPE, JSON_CONTENT_TYPE));
        ctx.res().setContentLength(body.length);
        try {
            ctx.res().getOutputStream().write(body);
            ctx.res().flushBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException("client went away while the response was written", e);
        }
    }

    /** Salesforce accepts {@code Bearer} and the legacy {@code OAuth} scheme. */
    private static String bearerToken(Context ctx) {
        String authorization = ctx.header("Authorization");
        if (authorization == null) {
            return null;
        }
        for (String scheme : List.of("Bearer ", "OAuth ")) {
            if (authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return authorization.substring(scheme.length()).trim();
            }
        }
        return null;
    }

    /** {@code Sforce-Duplicate-Rule-Header: allowSave=true} lets a save through an "Alert" duplicate rule (§2.12). */
    private static boolean allowDuplicateSave(Context ctx) {
        String header = ctx.header("Sforce-Duplicate-Rule-Header");
        return header != null && ALLOW_SAVE.matcher(header).find();
    }

    /** {@code Sforce-Call-Options: client=<ClientId>} (spec §2.7), kept per record as its last writer. */
    private static String callOptionsClient(Context ctx) {
        String options = ctx.header("Sforce-Call-Options");
        if (options == null) {
            return null;
        }
        Matcher matcher = CALL_OPTIONS_CLIENT.matcher(options);
        return matcher.find() ? matcher.group(1) : null;
    }
}
