package dev.tandem.server.api;

import io.javalin.security.RouteRole;

import java.util.Locale;

/**
 * The roles of an admin API token, each including the ones before it: a viewer reads; an operator also retries,
 * resolves, edits dead letters and pauses flows; an admin also manages tokens, alert rules and flows.
 */
public enum Role implements RouteRole {
    VIEWER, OPERATOR, ADMIN;

    /** Whether a token of this role may call an endpoint that needs {@code needed}. */
    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
