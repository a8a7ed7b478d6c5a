package dev.tandem.server.http;

import dev.tandem.clarity.webhook.CidrAllowlist;
import dev.tandem.clarity.webhook.ClarityWebhookParser;
import dev.tandem.clarity.webhook.InvalidWebhookException;
import dev.tandem.clarity.webhook.WebhookRejectedException;
import dev.tandem.clarity.webhook.WebhookSignatureVerifier;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.spi.EventLog;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * {@code POST /webhooks/clarity}: the receiving end of Tandem's Clarity webhook extension (clarity-api.md §11).
 *
 * <p>Order of checks: source address when an allowlist is set (403) → size (413) → signature over the raw bytes (401) → JSON and required fields (400) →
 * durable append → 202, or 200 when the EventID is already stored (the sender retries at least once, so
 * duplicates are normal and must be acknowledged, or it would keep retrying). The event is durable before any 2xx
 * (invariant "nothing lost").
 */
public final class ClarityWebhookHandler implements Handler {

    /** Bodies above this are refused with 413 before they are read further. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;
    /** Oversized bodies up to this size are drained before the 413, so the client reads the answer. */
    static final long DRAIN_LIMIT_BYTES = 8L * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(ClarityWebhookHandler.class);

    private final CidrAllowlist allowlist;
    private final WebhookSignatureVerifier verifier;
    private final ClarityWebhookParser parser;
    private final EventLog eventLog;
    private final ProcessingMetrics metrics;
    private final Runnable onAppended;

    public ClarityWebhookHandler(CidrAllowlist allowlist, WebhookSignatureVerifier verifier, ClarityWebhookParser parser,
                                 EventLog eventLog, ProcessingMetrics metrics, Runnable onAppended) {
        this.allowlist = allowlist;
        this.verifier = verifier;
        this.parser = parser;
        this.eventLog = eventLog;
        this.metrics = metrics;
        this.onAppended = onAppended;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        // The peer address of the connection: behind a proxy, the allowlist names the proxy.
        if (!allowlist.isEmpty() && !allowlist.allows(ctx.req().getRemoteAddr())) {
            log.warn("Refused a Clarity webhook from {}: not in clarity.webhook.allowedCidrs", ctx.req().getRemoteAddr());
            ctx.status(403).json(new ErrorBody("forbidden_address",
                    "this address may not post webhooks (clarity.webhook.allowedCidrs)"));
            return;
        }
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            // Read (and drop) a moderately oversized body before answering: a client still sending when the
            // connection closes sees a reset instead of the 413. Far larger bodies are not read at all.
            if (declared <= DRAIN_LIMIT_BYTES) {
                try (InputStream in = ctx.req().getInputStream()) {
                    drain(in);
                }
            }
            tooLarge(ctx);
            return;
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            // A chunked body has no Content-Length: read one byte past the limit to know it is too large.
            body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                drain(in);
            }
        }
        if (body.length > MAX_BODY_BYTES) {
            tooLarge(ctx);
            return;
        }
        try {
            verifier.verify(ctx.header("X-Clarity-Signature"), body);
        } catch (WebhookRejectedException e) {
            log.warn("Rejected Clarity webhook from {}: {}", ctx.ip(), e.getMessage());
            ctx.status(401).json(new ErrorBody(code(e), e.getMessage()));
            return;
        }
        InboundEvent event;
        try {
            event = parser.parse(body);
        } catch (InvalidWebhookException e) {
            ctx.status(400).json(new ErrorBody("invalid_event", e.getMessage()));
            return;
        }
        AppendResult result = eventLog.append(event);
        if (result.duplicate()) {
            metrics.duplicate();
            ctx.status(200).json(Map.of("status", "duplicate", "eventId", event.sourceEventId(), "offset", result.offset()));
            return;
        }
        metrics.received();
        onAppended.run();
        ctx.status(202).json(Map.of("status", "accepted", "eventId", event.sourceEventId(), "offset", result.offset()));
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

    private static void tooLarge(Context ctx) {
        ctx.header("Connection", "close");
        ctx.status(413).json(new ErrorBody("payload_too_large",
                "webhook bodies are limited to " + MAX_BODY_BYTES + " bytes (1 MiB); an event carries keys, not records"));
    }

    private static String code(WebhookRejectedException e) {
        return switch (e.reason()) {
            case MISSING_SIGNATURE -> "missing_signature";
            case MALFORMED_SIGNATURE -> "malformed_signature";
            case TIMESTAMP_OUT_OF_TOLERANCE -> "expired_signature";
            case SIGNATURE_MISMATCH -> "invalid_signature";
        };
    }
}
