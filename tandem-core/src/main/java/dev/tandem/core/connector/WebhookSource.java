package dev.tandem.core.connector;

import java.util.Optional;

/**
 * A change source fed by Tandem's HTTP listener: the listener owns the socket, reads at most
 * {@link #maxBodyBytes()} of the body (and answers 413 itself above that), and hands the raw bytes and headers to
 * the source, which verifies, parses and ingests them. No HTTP-server types cross this line, so a connector never
 * depends on the server.
 *
 * <p>Checks in order: {@link #admit} (the peer, before a byte of the body is read), then the size (listener), then
 * {@link #receive}. {@link #receive} before {@link #start} or after {@link #close()} should answer 503 so the sender
 * retries.
 */
public interface WebhookSource extends ChangeSource {

    /** The request path, e.g. {@code /webhooks/clarity}; the listener routes {@code POST} requests on it here. */
    String path();

    /** The largest body accepted; larger ones are refused with 413 {@code payload_too_large} unread. */
    int maxBodyBytes();

    /**
     * Whether a peer may post at all, decided before the body is read (e.g. an address allowlist); empty to
     * admit it, otherwise the refusal to send.
     *
     * @param remoteAddress the peer address of the connection (behind a proxy: the proxy)
     */
    default Optional<WebhookReply> admit(String remoteAddress) {
        return Optional.empty();
    }

    /**
     * Handles one request: verify (signature), parse, {@link Ingest#append} durably, and answer. A 2xx must be
     * returned only once the event is durable. May throw when the store fails; the listener answers 500 and the
     * sender retries.
     *
     * @param remoteAddress the peer address of the connection
     * @param headers       the request headers, case-insensitive
     * @param body          the raw body bytes as received (signatures are computed over them), at most
     *                      {@link #maxBodyBytes()}
     */
    WebhookReply receive(String remoteAddress, WebhookHeaders headers, byte[] body);
}
