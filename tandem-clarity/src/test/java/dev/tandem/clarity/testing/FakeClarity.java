package dev.tandem.clarity.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.testing.FakeHttpServer.Request;
import dev.tandem.clarity.testing.FakeHttpServer.Response;

import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link FakeHttpServer} mounted like CEF under {@value #BASE_PATH}, with a login at {@code /auth/identity}
 * (clarity-api.md §4) that issues numbered sessions ({@code ss-pid=pid-1}, {@code ss-id=id-1}, ...), and a helper to
 * serve records that demand a live session.
 */
public final class FakeClarity implements AutoCloseable {

    public static final String BASE_PATH = "/DesktopModules/ClarityEcommerce/API";
    public static final String LOGIN_PATH = BASE_PATH + "/auth/identity";
    public static final String USER = "integration-user";
    public static final String PASSWORD = "Pa55word!secret";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UNAUTHORIZED =
            "{\"StatusCode\":401,\"StatusDescription\":\"Unauthorized\",\"Message\":\"You must be logged in\"}";

    private final FakeHttpServer http = new FakeHttpServer();
    private final AtomicInteger logins = new AtomicInteger();
    private final Set<String> liveSessions = ConcurrentHashMap.newKeySet();

    public FakeClarity() {
        http.on("POST", LOGIN_PATH, request -> {
            JsonNode body = JSON.readTree(request.body());
            if (!USER.equals(body.path("Username").asText()) || !PASSWORD.equals(body.path("Password").asText())) {
                return Response.json(401, "{\"ResponseStatus\":{\"ErrorCode\":\"Unauthorized\",\"Message\":\"Invalid UserName or Password\"}}");
            }
            int n = logins.incrementAndGet();
            liveSessions.add("pid-" + n);
            return Response.json(200, "{\"UserId\":\"42\",\"SessionId\":\"id-" + n + "\",\"UserName\":\"" + USER + "\"}")
                    .withHeader("Set-Cookie", "ss-id=id-" + n + "; path=/; samesite=lax; httponly")
                    .withHeader("Set-Cookie", "ss-pid=pid-" + n + "; expires=Sat, 26 Nov 2046 15:00:00 GMT; path=/; samesite=lax; httponly")
                    .withHeader("Set-Cookie", "ss-opt=perm; expires=Sat, 26 Nov 2046 15:00:00 GMT; path=/; samesite=lax; httponly");
        });
    }

    public FakeHttpServer http() {
        return http;
    }

    public int logins() {
        return logins.get();
    }

    /** Ends every session, as an app-pool recycle or a session expiry would. */
    public void expireSessions() {
        liveSessions.clear();
    }

    /** Serves {@code body} at {@code GET BASE_PATH + path} to callers with a live session, 401 to others. */
    public void record(String path, String body) {
        http.on("GET", BASE_PATH + path, this.authenticated(r -> Response.json(200, body)));
    }

    public FakeHttpServer.Handler authenticated(FakeHttpServer.Handler handler) {
        return request -> isLive(request) ? handler.handle(request) : Response.json(401, UNAUTHORIZED);
    }

    private boolean isLive(Request request) {
        String pid = request.header("X-ss-pid");
        return pid != null && "perm".equals(request.header("X-ss-opt")) && liveSessions.contains(pid);
    }

    public URI baseUrl() {
        return URI.create(http.baseUrl() + BASE_PATH);
    }

    public ClarityConfig config() {
        return ClarityConfig.of(baseUrl(), USER, PASSWORD).withRequestTimeout(Duration.ofSeconds(5));
    }

    public ClarityRestClient client(ClarityConfig config) {
        return ClarityRestClient.create(config);
    }

    public ClarityRestClient client() {
        return client(config());
    }

    @Override
    public void close() {
        http.close();
    }
}
