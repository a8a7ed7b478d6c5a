package dev.tandem.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What {@code GET /health/ready} answers: a named list of checks, each UP or DOWN with a detail, and UP overall
 * only when every check is. The server registers its own (the store, the flow runtime, each change source); other
 * parts add theirs ({@code register("salesforceAuth", ...)}), so a load balancer or Kubernetes stops sending
 * traffic while any part Tandem needs is down, without restarting it (that is {@code /health/live}'s job).
 *
 * <p>Follows Spring Boot Actuator's split of liveness and readiness
 * (https://docs.spring.io/spring-boot/reference/actuator/endpoints.html#actuator.endpoints.kubernetes-probes) and
 * Kubernetes' probe semantics
 * (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/).
 *
 * <p>A check runs on every request to the endpoint, so it must be cheap (a ping, a field read). A check that
 * throws is DOWN with the exception's message. Thread-safe; checks may be registered at any time.
 */
public final class Readiness {

    /** Whether a part is ready. */
    public enum Status {
        UP, DOWN
    }

    /**
     * One check's outcome.
     *
     * @param status UP or DOWN
     * @param detail for the operator: a state ({@code "UP"}, {@code "DEGRADED"}), a reason, or a map of parts
     */
    public record Check(Status status, Object detail) {

        public Check {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }

        public static Check up() {
            return new Check(Status.UP, "UP");
        }

        /** UP with a detail other than "UP" (e.g. a source's parts, or a reconnecting state that does not block). */
        public static Check up(Object detail) {
            return new Check(Status.UP, detail);
        }

        public static Check down(String reason) {
            return new Check(Status.DOWN, "DOWN: " + reason);
        }

        public boolean isUp() {
            return status == Status.UP;
        }
    }

    /** Every check's outcome, in registration order, and the overall state. */
    public record Report(boolean up, Map<String, Object> checks) {

        /** The JSON body: {@code "status": "UP"|"DOWN"} first, then each check's detail under its name. */
        public Map<String, Object> body() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", up ? "UP" : "DOWN");
            body.putAll(checks);
            return body;
        }
    }

    private final Map<String, Supplier<Check>> checks = java.util.Collections.synchronizedMap(new LinkedHashMap<>());
    private final Map<String, Boolean> reserved = new ConcurrentHashMap<>(Map.of("status", true));

    /**
     * Adds a check under {@code name} (a JSON member name such as {@code store} or {@code salesforceAuth}).
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public Readiness register(String name, Supplier<Check> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        if (name.isBlank() || reserved.containsKey(name)) {
            throw new IllegalArgumentException("not a readiness check name: '" + name + "'");
        }
        synchronized (checks) {
            if (checks.putIfAbsent(name, check) != null) {
                throw new IllegalArgumentException("a readiness check is already registered as " + name);
            }
        }
        return this;
    }

    /** Runs every check now. */
    public Report check() {
        Map<String, Supplier<Check>> snapshot;
        synchronized (checks) {
            snapshot = new LinkedHashMap<>(checks);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        boolean up = true;
        for (Map.Entry<String, Supplier<Check>> e : snapshot.entrySet()) {
            Check c;
            try {
                c = Objects.requireNonNull(e.getValue().get(), "the check returned null");
            } catch (RuntimeException failure) {
                c = Check.down(String.valueOf(failure.getMessage()));
            }
            results.put(e.getKey(), c.detail());
            up &= c.isUp();
        }
        return new Report(up, results);
    }
}
