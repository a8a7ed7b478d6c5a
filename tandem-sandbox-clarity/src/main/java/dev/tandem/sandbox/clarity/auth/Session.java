package dev.tandem.sandbox.clarity.auth;

/**
 * A ServiceStack session: the temporary id ({@code ss-id}) and the permanent id ({@code ss-pid}) both name it;
 * {@code permanent} is {@code RememberMe}, advertised to the client as {@code ss-opt=perm} (spec §4).
 */
public record Session(String sessionId, String permanentId, String userName, boolean permanent) {
}
