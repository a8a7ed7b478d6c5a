package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;

/**
 * A webhook endpoint for tests: records every request and answers with a status chosen per request number
 * (1-based), 200 unless told otherwise.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Received(String signature, String contentType, byte[] body, JsonNode json, Instant at) {
        String eventId() {
            return json.get("EventID").asText();
        }
    }

    /** Runs before a request is answered; lets a test hold a request open. */
    interface Hook {
        void beforeAnswer(int requestNumber) throws InterruptedException;
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile IntUnaryOperator statusForRequest = n -> 200;
    private volatile Hook hook = n -> { };

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/hooks", exchange -> {
                int number = receiver.requests.incrementAndGet();
                byte[] body = exchange.getRequestBody().readAllBytes();
                try {
                    receiver.hook.beforeAnswer(number);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                receiver.received.add(new Received(exchange.getRequestHeaders().getFirst("X-Clarity-Signature"),
                        exchange.getRequestHeaders().getFirst("Content-Type"), body,
                        ClarityTestClient.MAPPER.readTree(body), Instant.now()));
                exchange.sendResponseHeaders(receiver.statusForRequest.applyAsInt(number), -1);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
    }

    void respondWith(IntUnaryOperator statusForRequestNumber) {
        this.statusForRequest = statusForRequestNumber;
    }

    void onRequest(Hook hook) {
        this.hook = hook;
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String eventType) {
        return received.stream().filter(r -> r.json().get("EventType").asText().equals(eventType)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
