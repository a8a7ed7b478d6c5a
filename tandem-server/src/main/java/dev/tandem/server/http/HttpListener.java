package dev.tandem.server.http;

import dev.tandem.core.logging.RateLimitedLog;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * What every Tandem listener has, whatever its routes: Jetty's limits ({@link HttpLimits}: header size, idle
 * timeout, body data rate, header deadline), RFC 9457 problem details for every error (Jetty's own through
 * {@link ProblemErrorHandler}, Javalin's 404/405/413 and unhandled exceptions here), and the HTTP metrics
 * ({@code http_server_requests_seconds} by route, {@code jetty_threads_*}). Client failures (a client gone
 * mid-request, a body too slow) are one log line, never an ERROR with a stack trace.
 */
public final class HttpListener {

    private static final Logger log = LoggerFactory.getLogger(HttpListener.class);
    /** The metrics' uri tag of a request answered by the fallback (one series, whatever the path). */
    private static final String ROUTE_ATTRIBUTE = "tandem.http.route";

    private HttpListener() {
    }

    /** Applies the limits, error shapes and metrics to a Javalin configuration; call inside {@code Javalin.create}. */
    public static void harden(JavalinConfig cfg, HttpLimits limits, MeterRegistry registry, Clock clock) {
        harden(cfg, limits, registry, clock, ctx -> false);
    }

    /** What answers a GET that matched no route before it becomes a 404 (the web console's own routes); true if it did. */
    @FunctionalInterface
    public interface Fallback {
        boolean handle(io.javalin.http.Context ctx) throws Exception;
    }

    /** {@link #harden(JavalinConfig, HttpLimits, MeterRegistry, Clock)} with a fallback for unmatched paths. */
    public static void harden(JavalinConfig cfg, HttpLimits limits, MeterRegistry registry, Clock clock,
                              Fallback fallback) {
        cfg.jetty.modifyHttpConfiguration(http -> {
            http.setRequestHeaderSize(limits.maxRequestHeaderBytes());
            http.setIdleTimeout(limits.idleTimeout().toMillis());
            http.setMinRequestDataRate(limits.minRequestDataRate());
            http.setSendServerVersion(false);
        });
        cfg.jetty.modifyServer(server -> {
            // What Jetty refuses before Javalin sees the request (400, 408, 414, 431) as problem JSON too.
            server.setErrorHandler(new ProblemErrorHandler());
            server.addEventListener(new LifeCycle.Listener() {
                @Override
                public void lifeCycleStarting(LifeCycle event) {
                    // Javalin adds its connector before starting the server; configure it before it opens.
                    for (Connector c : server.getConnectors()) {
                        if (c instanceof AbstractConnector connector) {
                            connector.setIdleTimeout(limits.idleTimeout().toMillis());
                            connector.addBean(new HeaderDeadline(connector.getScheduler(), limits.requestHeaderTimeout(),
                                    new RateLimitedLog(LoggerFactory.getLogger(HeaderDeadline.class)::info,
                                            Duration.ofMinutes(1), clock)));
                        }
                    }
                }
            });
            new JettyServerThreadPoolMetrics(server.getThreadPool(), List.of()).bindTo(registry);
        });
        cfg.requestLogger.http((ctx, millis) -> Timer.builder("http.server.requests")
                .description("HTTP requests handled by Tandem's listener")
                .tag("method", ctx.method().name())
                .tag("uri", routeOf(ctx))
                .tag("status", Integer.toString(ctx.statusCode()))
                .register(registry)
                .record(Duration.ofNanos(Math.round(millis * 1_000_000))));
        cfg.routes.error(404, ctx -> {
            // A handler's own 404 body (e.g. webhooks_disabled) stays; only unmatched paths get this one.
            String type = ctx.res().getContentType();
            if (type == null || !(type.startsWith(Problem.MEDIA_TYPE) || type.startsWith("application/json"))) {
                Problem.of(404, "not_found", "Not Found", "no such endpoint: " + ctx.method() + " " + ctx.path())
                        .withInstance(ctx.path()).send(ctx);
            }
        });
        cfg.routes.error(405, ctx -> Problem.of(405, "method_not_allowed", "Method Not Allowed",
                ctx.method() + " is not allowed on " + ctx.path()).withInstance(ctx.path()).send(ctx));
        cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
            // No route matched: the fallback (the console's own routes) may answer before it becomes a 404.
            if (e instanceof io.javalin.router.EndpointNotFound) {
                try {
                    if (fallback.handle(ctx)) {
                        ctx.attribute(ROUTE_ATTRIBUTE, "CONSOLE");
                        return;
                    }
                } catch (Exception failure) {
                    log.error("The fallback failed on {} {}", ctx.method(), ctx.path(), failure);
                }
            }
            ProblemErrorHandler.problem(e.getStatus(), e.getMessage()).withInstance(ctx.path()).send(ctx);
        });
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            ClientFailures.Kind kind = ClientFailures.classify(e);
            if (kind != ClientFailures.Kind.OTHER) {
                // The client went away or was too slow: nothing to fix in Tandem; one line, no stack trace.
                log.info("{} {}: the client failed: {}", ctx.method(), ctx.path(), ClientFailures.describe(e));
                if (kind == ClientFailures.Kind.TOO_SLOW) {
                    ctx.header("Connection", "close");
                    Problem.of(408, "request_timeout", "Request Timeout", "the request arrived too slowly "
                            + "(server.minRequestDataRate, server.idleTimeout)").send(ctx);
                }
                return;
            }
            log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            Problem.of(500, "internal_error", "Internal Server Error",
                    "Tandem failed to handle the request; see the server log").send(ctx);
        });
    }

    /** The matched route (never the raw path, which a client chooses: one time series per path would not end). */
    static String routeOf(Context ctx) {
        Object fixed = ctx.attribute(ROUTE_ATTRIBUTE);
        if (fixed != null) {
            return fixed.toString();
        }
        if (ctx.statusCode() == 404) {
            return "NOT_FOUND";
        }
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException e) {
            return "UNKNOWN";
        }
    }
}
