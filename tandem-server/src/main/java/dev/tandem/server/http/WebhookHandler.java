package dev.tandem.server.http;

import dev.tandem.core.connector.WebhookHeaders;
import dev.tandem.core.connector.WebhookReply;
import dev.tandem.core.connector.WebhookSource;
import dev.tandem.core.logging.RateLimitedLog;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP side of a {@link WebhookSource}: {@code POST <source path>}. It owns what only the listener can do (the
 * size limit while reading, draining, the JSON rendering) and hands the peer address, the headers and the raw body
 * bytes to the source, which verifies, parses and ingests.
 *
 * <p>Order: {@link WebhookSource#admit} (before the body is read) → size, by Content-Length and while reading (413
 * with {@code Connection: close}) → {@link WebhookSource#receive}.
 *
 * <p>Every refusal is counted in {@code tandem_webhook_rejected_total{source, reason}} (the reply's code, e.g.
 * {@code invalid_signature}) and logged through a {@link RateLimitedLog}: the first of each reason at once, then
 * at most one line a minute with the count suppressed meanwhile, so a flood of forged requests cannot fill the
 * disk. A client that goes away mid-body, or sends it slower than {@code server.minRequestDataRate}, is the
 * same: one line (rate-limited), no stack trace, no 500.
 */
public final class WebhookHandler implements Handler {

    /** Oversized bodies up to this size are drained before the 413, so the client reads the answer. */
    static final long DRAIN_LIMIT_BYTES = 8L * 1024 * 1024;

    private final WebhookSource source;
    private final MeterRegistry registry;
    private final RateLimitedLog log;

    /**
     * @param registry gets {@code tandem.webhook.rejected}
     * @param log      where refusals are logged (rate-limited per reason)
     */
    public WebhookHandler(WebhookSource source, MeterRegistry registry, RateLimitedLog log) {
        this.source = source;
        this.registry = registry;
        this.log = log;
    }

    @Override
    public void handle(Context ctx) {
        String peer = ctx.req().getRemoteAddr();
        Optional<WebhookReply> refused = source.admit(peer);
        if (refused.isPresent()) {
            render(ctx, peer, refused.get());
            return;
        }
        int max = source.maxBodyBytes();
        byte[] body;
        try {
            long declared = ctx.req().getContentLengthLong();
            if (declared > max) {
                // Read (and drop) a moderately oversized body before answering: a client still sending when the
                // connection closes sees a reset instead of the 413. Far larger bodies are not read at all.
                if (declared <= DRAIN_LIMIT_BYTES) {
                    try (InputStream in = ctx.req().getInputStream()) {
                        drain(in);
                    }
                }
                tooLarge(ctx, peer, max);
                return;
            }
            try (InputStream in = ctx.req().getInputStream()) {
                // A chunked body has no Content-Length: read one byte past the limit to know it is too large.
                body = in.readNBytes(max + 1);
                if (body.length > max) {
                    drain(in);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Jetty reports a too-slow body as an unchecked BadMessageException(408), a vanished client as an
            // EofException (an IOException).
            bodyFailed(ctx, peer, e);
            return;
        }
        if (body.length > max) {
            tooLarge(ctx, peer, max);
            return;
        }
        render(ctx, peer, source.receive(peer, headers(ctx), body));
    }

    /** Every header with every value, as received. */
    static WebhookHeaders headers(Context ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(Collections.list(ctx.req().getHeaders(name)));
        }
        return WebhookHeaders.of(headers);
    }

    private void render(Context ctx, String peer, WebhookReply reply) {
        if (reply.successful()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", reply.code());
            body.putAll(reply.details());
            ctx.status(reply.status()).json(body);
        } else {
            rejected(peer, reply.code(), reply.message());
            Problem.of(reply.status(), reply.code(), ProblemErrorHandler.problem(reply.status(), null).title(),
                    reply.message()).withInstance(ctx.path()).send(ctx);
        }
    }

    /** Counts and logs (rate-limited) one refused request. */
    private void rejected(String peer, String reason, String message) {
        Counter.builder("tandem.webhook.rejected")
                .description("webhook requests refused, by reason (the problem code of the answer)")
                .tag("source", source.name())
                .tag("reason", reason)
                .register(registry)
                .increment();
        log.log(source.name() + "/" + reason, "Rejected a {} webhook from {}: {} ({})", source.name(), peer,
                reason, message);
    }

    private void bodyFailed(Context ctx, String peer, Exception e) {
        switch (ClientFailures.classify(e)) {
            case TOO_SLOW -> {
                rejected(peer, "request_timeout", "the body arrived too slowly: " + ClientFailures.describe(e));
                try {
                    ctx.header("Connection", "close");
                    Problem.of(408, "request_timeout", "Request Timeout", "the request body arrived too slowly "
                            + "(server.minRequestDataRate); send it again").send(ctx);
                } catch (RuntimeException alreadyGone) {
                    // The connection is closed already: nothing to answer.
                }
            }
            case DISCONNECTED -> log.log(source.name() + "/client_disconnected",
                    "A client ({}) disconnected while sending a {} webhook body: {}", peer, source.name(),
                    ClientFailures.describe(e));
            case OTHER -> throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    /** Reads and drops what is left of a body, up to {@link #DRAIN_LIMIT_BYTES}. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = DRAIN_LIMIT_BYTES;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private void tooLarge(Context ctx, String peer, int max) {
        String detail = "webhook bodies are limited to " + max + " bytes"
                + (max == 1024 * 1024 ? " (1 MiB)" : "") + "; an event carries keys, not records";
        rejected(peer, "payload_too_large", detail);
        ctx.header("Connection", "close");
        Problem.of(413, "payload_too_large", "Content Too Large", detail).withInstance(ctx.path()).send(ctx);
    }
}
