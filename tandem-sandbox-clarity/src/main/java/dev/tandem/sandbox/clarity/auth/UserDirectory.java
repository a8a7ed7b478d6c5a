package dev.tandem.sandbox.clarity.auth;

import java.util.List;
import java.util.Optional;

/** The logins of the sandbox: the integration user first, then any others (e.g. a read-only user). */
public record UserDirectory(List<Credentials> logins) {

    public UserDirectory {
        if (logins.isEmpty()) {
            throw new IllegalArgumentException("The sandbox needs at least one login");
        }
        logins = List.copyOf(logins);
    }

    /** The login whose name and password both match; every candidate is checked so timing reveals nothing. */
    public Optional<Credentials> authenticate(String userName, String password) {
        Credentials found = null;
        for (Credentials login : logins) {
            if (login.matches(userName, password) && found == null) {
                found = login;
            }
        }
        return Optional.ofNullable(found);
    }

    public Optional<Credentials> byName(String userName) {
        return logins.stream().filter(l -> l.userName().equalsIgnoreCase(userName)).findFirst();
    }

    public Credentials integrationUser() {
        return logins.getFirst();
    }
}
