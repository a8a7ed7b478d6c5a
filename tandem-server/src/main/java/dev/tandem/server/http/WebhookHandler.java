package dev.tandem.server.http;

import dev.tandem.core.connector.WebhookHeaders;
import dev.tandem.core.connector.WebhookReply;
import dev.tandem.core.connector.WebhookSource;
import io.javalin.http.Context;
import io.javalin.http.Handler;

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
 */
public final class WebhookHandler implements Handler {

    /** Oversized bodies up to this size are drained before the 413, so the client reads the answer. */
    static final long DRAIN_LIMIT_BYTES = 8L * 1024 * 1024;

    private final WebhookSource source;

    public WebhookHandler(WebhookSource source) {
        this.source = source;
    }

    @Override
    public void handle(Context ctx) throws IOException {
        String peer = ctx.req().getRemoteAddr();
        Optional<WebhookReply> refused = source.admit(peer);
        if (refused.isPresent()) {
            render(ctx, refused.get());
            return;
        }
        int max = source.maxBodyBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            // Read (and drop) a moderately oversized body before answering: a client still sending when the
            // connection closes sees a reset instead of the 413. Far larger bodies are not read at all.
            if (declared <= DRAIN_LIMIT_BYTES) {
                try (InputStream in = ctx.req().getInputStream()) {
                    drain(in);
                }
            }
            tooLarge(ctx, max);
            return;
        }
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            // A chunked body has no Content-Length: read one byte past the limit to know it is too large.
            body = in.readNBytes(max + 1);
            if (body.length > max) {
                drain(in);
            }
        }
        if (body.length > max) {
            tooLarge(ctx, max);
            return;
        }
        render(ctx, source.receive(peer, headers(ctx), body));
    }

    /** Every header with every value, as received. */
    static WebhookHeaders headers(Context ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            headers.computeIfAbsent(name, n -> new java.util.ArrayList<>()).addAll(Collections.list(ctx.req().getHeaders(name)));
        }
        return WebhookHeaders.of(headers);
    }

    static void render(Context ctx, WebhookReply reply) {
        if (reply.successful()) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", reply.code());
            body.putAll(reply.details());
            ctx.status(reply.status()).json(body);
        } else {
            ctx.status(reply.status()).json(new ErrorBody(reply.code(), reply.message()));
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

    private static void tooLarge(Context ctx, int max) {
        ctx.header("Connection", "close");
        ctx.json(new ErrorBody("payload_too_large", "webhook bodies are limited to " + max + " bytes"
                + (max == 1024 * 1024 ? " (1 MiB)" : "") + "; an event carries keys, not records"));
        ctx.status(413);
    }
}
