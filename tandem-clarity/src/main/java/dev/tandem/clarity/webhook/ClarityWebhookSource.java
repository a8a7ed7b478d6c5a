package dev.tandem.clarity.webhook;

import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.connector.WebhookHeaders;
import dev.tandem.core.connector.WebhookReply;
import dev.tandem.core.connector.WebhookSource;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code POST /webhooks/clarity}: the receiving end of Tandem's Clarity webhook extension (docs/clarity.md §3), as
 * a change source the server's HTTP listener feeds.
 *
 * <p>Order of checks: source address when an allowlist is set (403, before the body is read) → size (413, the
 * listener; bodies over {@value ClarityWebhookParser#MAX_BODY_BYTES} bytes) → signature over the raw bytes (401) →
 * JSON and required fields (400) → durable append → 202, or 200 when the EventID is already stored (the sender
 * retries at least once, so duplicates are normal and must be acknowledged, or it would keep retrying). The event
 * is durable before any 2xx (invariant "nothing lost"); before {@link #start} and after {@link #close()} the answer
 * is 503 so the sender retries later.
 *
 * <p>Thread-safe.
 */
public final class ClarityWebhookSource implements WebhookSource {

    public static final String NAME = "clarity.webhook";
    public static final String PATH = "/webhooks/clarity";

    private static final Logger LOG = LoggerFactory.getLogger(ClarityWebhookSource.class);

    private final CidrAllowlist allowlist;
    private final WebhookSignatureVerifier verifier;
    private final ClarityWebhookParser parser;
    private volatile Ingest ingest;
    private volatile boolean closed;

    public ClarityWebhookSource(CidrAllowlist allowlist, WebhookSignatureVerifier verifier, ClarityWebhookParser parser) {
        this.allowlist = Objects.requireNonNull(allowlist, "allowlist");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.parser = Objects.requireNonNull(parser, "parser");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public int maxBodyBytes() {
        return ClarityWebhookParser.MAX_BODY_BYTES;
    }

    @Override
    public synchronized void start(Ingest ingest) {
        Objects.requireNonNull(ingest, "ingest");
        if (this.ingest != null || closed) {
            throw new IllegalStateException("The Clarity webhook source was already started or closed");
        }
        this.ingest = ingest;
    }

    @Override
    public SourceHealth health() {
        return closed ? SourceHealth.of(SourceHealth.State.STOPPED)
                : ingest == null ? SourceHealth.of(SourceHealth.State.NEW) : SourceHealth.up();
    }

    @Override
    public Optional<WebhookReply> admit(String remoteAddress) {
        // The peer address of the connection: behind a proxy, the allowlist names the proxy.
        if (!allowlist.isEmpty() && (remoteAddress == null || !allowlist.allows(remoteAddress))) {
            // DEBUG: the HTTP listener counts and logs refusals, rate-limited (a flood must not fill the disk).
            LOG.debug("Refused a Clarity webhook from {}: not in clarity.webhook.allowedCidrs", remoteAddress);
            return Optional.of(WebhookReply.refused(403, "forbidden_address",
                    "this address may not post webhooks (clarity.webhook.allowedCidrs)"));
        }
        return Optional.empty();
    }

    @Override
    public WebhookReply receive(String remoteAddress, WebhookHeaders headers, byte[] body) {
        Ingest target = ingest;
        if (target == null || closed) {
            return WebhookReply.refused(503, "not_accepting", "Tandem is " + (closed ? "shutting down" : "starting")
                    + "; send the event again later");
        }
        Optional<WebhookReply> refused = admit(remoteAddress);
        if (refused.isPresent()) {
            return refused.get();
        }
        if (body.length > maxBodyBytes()) {
            return tooLarge();
        }
        try {
            verifier.verify(headers.first(WebhookSignatureVerifier.HEADER).orElse(null), body);
        } catch (WebhookRejectedException e) {
            LOG.debug("Rejected Clarity webhook from {}: {}", remoteAddress, e.getMessage());
            return WebhookReply.refused(401, code(e), e.getMessage());
        }
        InboundEvent event;
        try {
            event = parser.parse(body);
        } catch (WebhookPayloadTooLargeException e) {
            return tooLarge();
        } catch (InvalidWebhookException e) {
            return WebhookReply.refused(400, "invalid_event", e.getMessage());
        }
        AppendResult result = target.append(event);
        Map<String, Object> details = Map.of("eventId", event.sourceEventId(), "offset", result.offset());
        return result.duplicate() ? WebhookReply.ok(200, "duplicate", details) : WebhookReply.ok(202, "accepted", details);
    }

    /** After this every request gets 503; an append in progress completes (its request is answered). */
    @Override
    public void close() {
        closed = true;
    }

    private WebhookReply tooLarge() {
        return WebhookReply.refused(413, "payload_too_large", "webhook bodies are limited to " + maxBodyBytes()
                + " bytes (1 MiB); an event carries keys, not records");
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
