package dev.tandem.sandbox.clarity.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * One login the sandbox knows. {@code readOnly} users hold only the {@code *.View} permissions; the others hold every
 * permission, as CEF's integration user {@code ClarityConnect} with role "Clarity Connect Data" does (spec §4).
 */
public record Credentials(String userName, String password, boolean readOnly) {

    /** A login with every permission. */
    public Credentials(String userName, String password) {
        this(userName, password, false);
    }

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

    /**
     * Whether this login holds a {@code [RequiredPermission]} string such as {@code Accounts.Account.Create}
     * (spec §4). A read-only login holds exactly the {@code .View} permissions.
     */
    public boolean holds(String permission) {
        return !readOnly || permission.endsWith(".View");
    }
}
