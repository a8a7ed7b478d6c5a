package dev.tandem.sandbox.clarity.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The one integration login the sandbox knows (the role of CEF's {@code ClarityConnect} user, spec §4). */
public record Credentials(String userName, String password) {

    /** User names compare case-insensitively as ASP.NET Identity does; passwords in constant time. */
    public boolean matches(String candidateUser, String candidatePassword) {
        if (candidateUser == null || candidatePassword == null) {
            return false;
        }
        boolean userOk = userName.equalsIgnoreCase(candidateUser.trim());
        boolean passwordOk = MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8),
                candidatePassword.getBytes(StandardCharsets.UTF_8));
        return userOk & passwordOk;
    }
}
