package dev.tandem.clarity.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.client.ErrorClassifier;
import dev.tandem.core.error.IntegrationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The integration user's CEF session (clarity-api.md §4). CEF has no API keys or bearer tokens: a client logs in with
 * {@code POST {base}/auth/identity} {@code {"Username","Password","RememberMe":true}} and gets ServiceStack session
 * cookies {@code ss-id}/{@code ss-pid}; {@code RememberMe} makes the session permanent ({@code ss-pid}, {@code ss-opt=perm}).
 *
 * <p>One session is shared by all threads; a {@link ReentrantLock} (not {@code synchronized}, which pins virtual
 * threads on JDK 21) lets only one login run at a time. After a 401 the caller {@linkplain #invalidate invalidates}
 * the session and the next {@link #current()} logs in again.
 */
public final class ClaritySession {

    public static final String LOGIN_FAILED = "CLARITY_LOGIN_FAILED";
    private static final String LOGIN_PATH = "/auth/identity";
    private static final Logger LOG = LoggerFactory.getLogger(ClaritySession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClarityConfig config;
    private final HttpClient http;
    private final AtomicReference<SessionToken> current = new AtomicReference<>();
    private final ReentrantLock loginLock = new ReentrantLock();

    public ClaritySession(ClarityConfig config, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
    }

    /**
     * The current session, logging in first when there is none.
     *
     * @throws IntegrationException {@value #LOGIN_FAILED} (permanent) when CEF refuses the credentials, or a
     *                              retryable failure when it cannot answer
     */
    public SessionToken current() {
        SessionToken session = current.get();
        if (session != null) {
            return session;
        }
        loginLock.lock();
        try {
            session = current.get();
            if (session == null) {
                session = login();
                current.set(session);
            }
            return session;
        } finally {
            loginLock.unlock();
        }
    }

    /**
     * Forgets {@code stale} after CEF answered 401. Does nothing when the session was already replaced, so threads
     * that hit the same expiry cause one login.
     */
    public void invalidate(SessionToken stale) {
        if (stale != null && current.compareAndSet(stale, null)) {
            LOG.info("Clarity session for {} invalidated; logging in again on the next call", config.username());
        }
    }

    private SessionToken login() {
        ObjectNode body = JSON.createObjectNode()
                .put("Username", config.username())
                .put("Password", config.password())
                .put("RememberMe", true);
        HttpRequest request = HttpRequest.newBuilder(config.resolve(LOGIN_PATH))
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        String what = "POST " + LOGIN_PATH;
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        int status = response.statusCode();
        JsonNode json = parse(response.body());
        if (ErrorClassifier.isRetryable(status)) {
            throw ErrorClassifier.toException(what, status, json);
        }
        if (status / 100 != 2) {
            // CEF answers bad credentials with 401 and its own message (e.g. "Invalid UserName or Password");
            // a person must fix the configuration, so this is not retried.
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, LOGIN_FAILED,
                    "Clarity login failed for user " + config.username() + ": "
                            + ErrorClassifier.cefError(status, json).message(), status);
        }
        String pid = "";
        String id = "";
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            String pair = setCookie.split(";", 2)[0].strip();
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).strip();
            String value = pair.substring(eq + 1).strip();
            if (name.equals("ss-pid")) {
                pid = value;
            } else if (name.equals("ss-id")) {
                id = value;
            }
        }
        if (id.isEmpty() && json != null) {
            id = json.path("SessionId").asText(""); // AuthenticateResponse.SessionId is the ss-id value
        }
        if (pid.isEmpty() && id.isEmpty()) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, LOGIN_FAILED,
                    "Clarity login for user " + config.username() + " returned no session (no ss-pid/ss-id cookie)",
                    status);
        }
        LOG.info("Logged in to Clarity at {} as {}", config.baseUrl(), config.username());
        return new SessionToken(pid, id);
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
