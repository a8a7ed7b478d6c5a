package dev.tandem.server.api;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;
import java.util.List;

/**
 * The admin API's settings ({@code api.*}).
 *
 * @param allowedOrigins browser origins allowed to call the API across origins (CORS); empty = CORS off
 * @param protectMetrics whether {@code /metrics} needs a viewer token
 * @param perToken       requests one token may make per {@code period}
 * @param perAddress     requests one remote address may make per {@code period}, with or without a token
 * @param period         the rate limits' period
 * @param sessionIdle    a console session ends when unused this long ({@code api.session.idleTimeout})
 * @param sessionMaxAge  a console session ends this long after sign-in, used or not ({@code api.session.maxAge})
 */
public record ApiSettings(List<String> allowedOrigins, boolean protectMetrics, int perToken, int perAddress,
                          Duration period, Duration sessionIdle, Duration sessionMaxAge) {

    /** The keys of {@code api}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Boolean> PROTECT_METRICS = SPEC.define("protectMetrics", Type.BOOLEAN, false,
            "whether `/metrics` needs a bearer token (any role); `/health` always stays open");
    private static final ConfigSpec CORS = new ConfigSpec();
    private static final ConfigSpec.Key<List<String>> ORIGINS = CORS.define("allowedOrigins",
            Type.listOf(Type.STRING), List.of(),
            "origins (`https://console.example.com`) whose browser pages may call `/api/v1`; empty = no CORS headers");
    private static final ConfigSpec RATE = new ConfigSpec();
    private static final ConfigSpec.Key<Integer> PER_TOKEN = RATE.define("perToken", Type.INT, 20,
            Validator.between(1, 1_000_000), "admin API requests one token may make per `period` (then 429)");
    private static final ConfigSpec.Key<Integer> PER_ADDRESS = RATE.define("perAddress", Type.INT, 40,
            Validator.between(1, 1_000_000),
            "admin API requests one remote address may make per `period`, failed ones included (then 429)");
    private static final ConfigSpec.Key<Duration> PERIOD = RATE.define("period", Type.DURATION, Duration.ofSeconds(1),
            Validator.positive(), "the period of both rate limits");

    private static final ConfigSpec SESSION = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> SESSION_IDLE = SESSION.define("idleTimeout", Type.DURATION,
            Duration.ofMinutes(30), Validator.positive(),
            "a web console session (cookie) ends when unused this long; sessions are kept in the store (docs/console.md)");
    private static final ConfigSpec.Key<Duration> SESSION_MAX_AGE = SESSION.define("maxAge", Type.DURATION,
            Duration.ofHours(8), Validator.positive(), "a web console session ends this long after sign-in, used or not");

    static {
        SPEC.section("cors", CORS).section("rateLimit", RATE).section("session", SESSION);
    }

    public ApiSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
        if (sessionIdle == null || sessionIdle.isNegative() || sessionIdle.isZero()
                || sessionMaxAge == null || sessionMaxAge.isNegative() || sessionMaxAge.isZero()) {
            throw new IllegalArgumentException("session durations must be positive");
        }
    }

    public ApiSettings(List<String> allowedOrigins, boolean protectMetrics, int perToken, int perAddress,
                       Duration period) {
        this(allowedOrigins, protectMetrics, perToken, perAddress, period, Duration.ofMinutes(30), Duration.ofHours(8));
    }

    public static ApiSettings defaults() {
        return new ApiSettings(List.of(), false, 20, 40, Duration.ofSeconds(1));
    }

    public static ApiSettings from(Config c) {
        Config rate = c.section("rateLimit");
        Config session = c.section("session");
        return new ApiSettings(c.section("cors").get(ORIGINS), c.get(PROTECT_METRICS), rate.get(PER_TOKEN),
                rate.get(PER_ADDRESS), rate.get(PERIOD), session.get(SESSION_IDLE), session.get(SESSION_MAX_AGE));
    }

    public ApiSettings withRateLimits(int tokenLimit, int addressLimit, Duration value) {
        return new ApiSettings(allowedOrigins, protectMetrics, tokenLimit, addressLimit, value, sessionIdle,
                sessionMaxAge);
    }

    public ApiSettings withAllowedOrigins(List<String> value) {
        return new ApiSettings(value, protectMetrics, perToken, perAddress, period, sessionIdle, sessionMaxAge);
    }

    public ApiSettings withProtectMetrics(boolean value) {
        return new ApiSettings(allowedOrigins, value, perToken, perAddress, period, sessionIdle, sessionMaxAge);
    }

    public ApiSettings withSessions(Duration idle, Duration maxAge) {
        return new ApiSettings(allowedOrigins, protectMetrics, perToken, perAddress, period, idle, maxAge);
    }
}
