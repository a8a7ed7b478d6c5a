package dev.tandem.clarity.auth;

import java.net.http.HttpRequest;

/**
 * A CEF (ServiceStack) session: the permanent session id from the {@code ss-pid} cookie and the temporary one from
 * {@code ss-id} (clarity-api.md §4). Never logged: {@link #toString()} redacts both.
 *
 * @param permanentId the {@code ss-pid} value, or empty text when the server set none
 * @param temporaryId the {@code ss-id} value (or the login response's {@code SessionId}), or empty text
 */
public record SessionToken(String permanentId, String temporaryId) {

    public SessionToken {
        permanentId = permanentId == null ? "" : permanentId;
        temporaryId = temporaryId == null ? "" : temporaryId;
        if (permanentId.isEmpty() && temporaryId.isEmpty()) {
            throw new IllegalArgumentException("a session needs ss-pid or ss-id");
        }
    }

    /**
     * Adds the session to a request the way CEF's own server-side callers do (§4: {@code X-ss-pid: <pid>} with
     * {@code X-ss-opt: perm}, from {@code CEFAuthProviderBase.cs}/{@code XPortal CEFService.cs}); falls back to
     * {@code X-ss-id} when the login set no permanent session.
     */
    public HttpRequest.Builder applyTo(HttpRequest.Builder request) {
        if (!permanentId.isEmpty()) {
            return request.header("X-ss-pid", permanentId).header("X-ss-opt", "perm");
        }
        return request.header("X-ss-id", temporaryId);
    }

    @Override
    public String toString() {
        return "SessionToken[<redacted>]";
    }
}
