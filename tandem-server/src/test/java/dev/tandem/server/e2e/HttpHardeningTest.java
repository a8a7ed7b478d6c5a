package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener's limits against hostile clients, spoken over raw sockets where an HTTP client would refuse to
 * misbehave: a body trickling in at a byte a second, an oversized header, a request line Jetty cannot parse, an
 * oversized envelope field. Each gets a problem JSON answer or a closed connection, and nothing is stored.
 */
class HttpHardeningTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() {
        stack = TandemStack.start(dir);
    }

    @AfterEach
    void stop() {
        trickle.shutdownNow();
        stack.close();
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket("127.0.0.1", stack.tandem().port());
        socket.setSoTimeout((int) Duration.ofSeconds(60).toMillis());
        return socket;
    }

    /** Everything the server sends until it closes the connection (or fails it). */
    private static CompletableFuture<String> readUntilClosed(Socket socket) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            try (InputStream in = socket.getInputStream()) {
                in.transferTo(received);
            } catch (IOException e) {
                // A reset also ends the connection; what arrived before it counts.
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        });
    }

    private static String exchange(Socket socket, String request) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return readUntilClosed(socket).get(30, TimeUnit.SECONDS);
    }

    private static JsonNode problemOf(String rawResponse) throws IOException {
        int bodyStart = rawResponse.indexOf("\r\n\r\n");
        assertThat(bodyStart).as("a complete response: %s", rawResponse).isPositive();
        assertThat(rawResponse.substring(0, bodyStart).toLowerCase()).contains("content-type: application/problem+json");
        String body = rawResponse.substring(bodyStart + 4);
        // Jetty may answer chunked: the JSON object is the part between the braces.
        return JSON.readTree(body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1));
    }

    @Test
    void aBodyTricklingInAtOneBytePerSecondIsCutOff() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/clarity HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-Clarity-Signature: t=1,v1=00\r\nContent-Length: 10000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<String> answer = readUntilClosed(socket);
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write(' ');
                    out.flush();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed); // ends the schedule
                }
            }, 1, 1, TimeUnit.SECONDS);

            // At one byte a second the 10000-byte body would take almost three hours; the server ends it long before.
            await().atMost(Duration.ofSeconds(45)).until(answer::isDone);
            String response = answer.get();
            if (!response.isEmpty()) {
                assertThat(response).startsWith("HTTP/1.1 408");
                assertThat(problemOf(response).path("code").asText()).isEqualTo("request_timeout");
            }
        }
        assertThat(stack.tandem().eventLog().endOffset()).isZero();
        assertThat(stack.get("/metrics").body())
                .contains("tandem_webhook_rejected_total{reason=\"request_timeout\",source=\"clarity.webhook\"} 1.0");
    }

    @Test
    void headersTricklingInAtOneBytePerSecondAreCutOff() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            CompletableFuture<String> answer = readUntilClosed(socket);
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write('a');
                    out.flush();
                } catch (IOException closed) {
                    throw new IllegalStateException(closed);
                }
            }, 1, 1, TimeUnit.SECONDS);

            // Each byte resets the 30 s idle timeout; the header deadline (10 s by default) closes it anyway.
            await().atMost(Duration.ofSeconds(45)).until(answer::isDone);
            assertThat(answer.get()).as("no request was answered").isEmpty();
        }
        assertThat(stack.get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void aTwentyKilobyteHeaderIsRefusedWith431ProblemJson() throws Exception {
        try (Socket socket = connect()) {
            String response = exchange(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Filler: "
                    + "a".repeat(20 * 1024) + "\r\nConnection: close\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 431");
            JsonNode problem = problemOf(response);
            assertThat(problem.path("status").asInt()).isEqualTo(431);
            assertThat(problem.path("code").asText()).isEqualTo("request_header_fields_too_large");
            assertThat(problem.path("type").asText()).isEqualTo("https://tandem.dev/problems/request_header_fields_too_large");
        }
    }

    @Test
    void aRequestLineJettyCannotParseIsRefusedWith400ProblemJson() throws Exception {
        try (Socket socket = connect()) {
            String response = exchange(socket, "GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header Name: x\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 400");
            assertThat(problemOf(response).path("code").asText()).isEqualTo("bad_request");
        }
    }

    @Test
    void anUnknownPathIsAProblem404AndAWrongMethodAProblem405() throws Exception {
        HttpResponse<String> notFound = stack.get("/no/such/thing");
        assertThat(notFound.statusCode()).isEqualTo(404);
        assertThat(notFound.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(notFound.body()).path("detail").asText()).contains("/no/such/thing");

        try (Socket socket = connect()) {
            String response = exchange(socket, "DELETE /webhooks/clarity HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            assertThat(response).matches("(?s)HTTP/1.1 40[45].*");
            assertThat(problemOf(response).path("code").asText()).isIn("not_found", "method_not_allowed");
        }
    }

    @Test
    void aNineHundredKilobyteEventIdIsRefusedWith400AndNotStored() throws Exception {
        byte[] body = ("{\"EventID\":\"" + "e".repeat(900 * 1024) + "\",\"EventType\":\"SalesOrder.Created\","
                + "\"Entity\":\"SalesOrder\",\"ID\":5}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = stack.postWebhook(body, TandemStack.validSignature(body));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("code").asText()).isEqualTo("invalid_event");
        assertThat(problem.path("detail").asText()).contains("EventID", "the limit is 200");
        assertThat(stack.tandem().eventLog().endOffset()).isZero();
    }

    @Test
    void rejectedWebhooksAreCountedByReason() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 3; i++) {
            assertThat(stack.postWebhook(body, TandemStack.signature(1, body, TandemStack.WEBHOOK_SECRET)).statusCode())
                    .isEqualTo(401);
        }
        assertThat(stack.postWebhook(body, null).statusCode()).isEqualTo(401);

        String metrics = stack.get("/metrics").body();
        assertThat(metrics).contains(
                "tandem_webhook_rejected_total{reason=\"expired_signature\",source=\"clarity.webhook\"} 3.0",
                "tandem_webhook_rejected_total{reason=\"missing_signature\",source=\"clarity.webhook\"} 1.0");
    }

    @Test
    void aClientThatDisconnectsMidBodyLeavesTheServerServing() throws Exception {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /webhooks/clarity HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5000\r\n\r\n{\"EventID\":")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(stack.get("/health/live").statusCode()).isEqualTo(200));
        assertThat(stack.get("/metrics").body()).doesNotContain("status=\"500\"");
        assertThat(stack.tandem().eventLog().endOffset()).isZero();
    }
}
