package dev.tandem.server.http;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;

/**
 * What the HTTP listener accepts from a client, enforced by Jetty before and while a request is handled, so that a
 * slow or hostile client holds neither a connection nor memory for long ({@code server.*}).
 *
 * <ul>
 *   <li>{@code maxRequestHeaderBytes}: the request line and all headers together; over it Jetty answers 431
 *       (414 when the request line alone is too long). Jetty's {@code HttpConfiguration.setRequestHeaderSize}.</li>
 *   <li>{@code idleTimeout}: a connection on which nothing arrives for this long is closed (a client that opens a
 *       connection and sends nothing, or stops half-way).</li>
 *   <li>{@code minRequestDataRate}: bytes per second a request body must arrive at, averaged from its first byte;
 *       a slower body (slowloris: one byte a second, which the idle timeout alone never cuts) is refused with 408
 *       and the connection closed. Jetty's {@code HttpConfiguration.setMinRequestDataRate}, checked by the servlet
 *       layer at every read. 0 turns the check off.</li>
 *   <li>{@code requestHeaderTimeout}: a connection whose first request's headers are not complete this long after
 *       it opened is closed ({@link HeaderDeadline}): the slowloris that trickles header bytes.</li>
 * </ul>
 *
 * @param maxRequestHeaderBytes the request line and headers, in bytes
 * @param idleTimeout           how long a connection may stay silent
 * @param minRequestDataRate    bytes per second; 0 = no minimum
 * @param requestHeaderTimeout  from connection open to the first request's complete headers
 */
public record HttpLimits(int maxRequestHeaderBytes, Duration idleTimeout, int minRequestDataRate,
                         Duration requestHeaderTimeout) {

    /** The keys of {@code server} that set these limits. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Integer> MAX_HEADER = SPEC.define("maxRequestHeaderBytes", Type.INT,
            16 * 1024, Validator.between(1024, 1024 * 1024),
            "the request line and headers together, in bytes; more is answered 431 (a long request line 414)");
    private static final ConfigSpec.Key<Duration> IDLE_TIMEOUT = SPEC.define("idleTimeout", Type.DURATION,
            Duration.ofSeconds(30), Validator.positive(),
            "a connection on which nothing arrives for this long is closed");
    private static final ConfigSpec.Key<Integer> MIN_DATA_RATE = SPEC.define("minRequestDataRate", Type.INT,
            1024, Validator.between(0, Integer.MAX_VALUE),
            "bytes per second a request body must arrive at (from its first byte); slower is cut off with 408 "
                    + "(slowloris); 0 = no minimum");
    private static final ConfigSpec.Key<Duration> HEADER_TIMEOUT = SPEC.define("requestHeaderTimeout",
            Type.DURATION, Duration.ofSeconds(10), Validator.positive(),
            "a connection whose first request's headers are not complete this long after it opened is closed "
                    + "(slowloris sending headers a byte at a time)");

    public HttpLimits {
        if (maxRequestHeaderBytes <= 0 || idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()
                || minRequestDataRate < 0 || requestHeaderTimeout == null || requestHeaderTimeout.isNegative()
                || requestHeaderTimeout.isZero()) {
            throw new IllegalArgumentException("invalid HTTP limits: " + maxRequestHeaderBytes + ", " + idleTimeout
                    + ", " + minRequestDataRate + ", " + requestHeaderTimeout);
        }
    }

    /** The defaults of {@link #SPEC}. */
    public static HttpLimits defaults() {
        return new HttpLimits(MAX_HEADER.defaultValue(), IDLE_TIMEOUT.defaultValue(), MIN_DATA_RATE.defaultValue(),
                HEADER_TIMEOUT.defaultValue());
    }

    public static HttpLimits from(Config c) {
        return new HttpLimits(c.get(MAX_HEADER), c.get(IDLE_TIMEOUT), c.get(MIN_DATA_RATE), c.get(HEADER_TIMEOUT));
    }
}
