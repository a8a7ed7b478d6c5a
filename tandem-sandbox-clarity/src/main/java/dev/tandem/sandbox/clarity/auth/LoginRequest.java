package dev.tandem.sandbox.clarity.auth;

/** The body of {@code POST /auth/identity}: {@code {"Username","Password","RememberMe"}} (spec §4). */
public record LoginRequest(String username, String password, Boolean rememberMe) {
}
