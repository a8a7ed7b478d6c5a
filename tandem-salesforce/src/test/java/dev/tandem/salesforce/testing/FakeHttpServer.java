package dev.tandem.salesforce.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny HTTP server for tests: canned answers per method and path, every request recorded. Runs each exchange on a
 * virtual thread so a handler may block (to simulate a slow server) without stalling the others.
 */
public final class FakeHttpServer implements AutoCloseable {

    /** A request as the server saw it. */
    public record Request(String method, String path, String rawQuery, Headers headers, String body) {
        public String header(String name) {
            return headers.getFirst(name);
        }
    }

    /** An answer. */
    public record Response(int status, String body, List<Map.Entry<String, String>> headers) {
        public static Response json(int status, String body) {
            return new Response(status, body, List.of(Map.entry("Content-Type", "application/json;charset=UTF-8")));
        }

        /** Adds a header; a name may be added several times (e.g. {@code Set-Cookie}). */
        public Response withHeader(String name, String value) {
            List<Map.Entry<String, String>> copy = new java.util.ArrayList<>(headers);
            copy.add(Map.entry(name, value));
            return new Response(status, body, List.copyOf(copy));
        }
    }

    @FunctionalInterface
    public interface Handler {
        Response handle(Request request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    public FakeHttpServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::serve);
        server.start();
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public FakeHttpServer on(String method, String path, Handler handler) {
        handlers.put(method + " " + path, handler);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String method, String path) {
        return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).toList();
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders(), body);
            requests.add(request);
            Handler handler = handlers.get(request.method() + " " + request.path());
            Response response;
            try {
                response = handler == null
                        ? Response.json(404, "[{\"message\":\"The requested resource does not exist\",\"errorCode\":\"NOT_FOUND\"}]")
                        : handler.handle(request);
            } catch (Exception e) {
                response = Response.json(500, "[{\"message\":\"fake server failure: " + e + "\",\"errorCode\":\"UNKNOWN_EXCEPTION\"}]");
            }
            response.headers().forEach(h -> exchange.getResponseHeaders().add(h.getKey(), h.getValue()));
            byte[] bytes = response.body() == null ? new byte[0] : response.body().getBytes(StandardCharsets.UTF_8);
            boolean noBody = bytes.length == 0 || response.status() == 204 || response.status() == 304;
            exchange.sendResponseHeaders(response.status(), noBody ? -1 : bytes.length);
            if (!noBody) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
