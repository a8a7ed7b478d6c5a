package dev.tandem.server.alerts;

import dev.tandem.core.config.Durations;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One JSON POST with {@link java.net.http.HttpClient}, for the webhook and Slack channels: a timeout on connect and on
 * the whole exchange, no redirects (a signed alert goes where it was configured to, nowhere else), at most a few
 * bytes of the answer read, and every failure turned into a short reason that names neither the URL nor a credential.
 */
final class HttpDelivery implements AutoCloseable {

    /** Slack answers errors as one word ({@code invalid_payload}, {@code channel_not_found}); other text is not shown. */
    private static final Pattern ERROR_WORD = Pattern.compile("[a-z_]{1,64}");
    private static final int MAX_ANSWER = 256;

    private final HttpClient client;
    private final Duration timeout;

    HttpDelivery(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /**
     * POSTs {@code body}; a 2xx is delivered.
     *
     * @param showAnswerWord whether a one-word error answer may appear in the reason (Slack's error codes)
     */
    Delivery post(String channel, URI url, byte[] body, Map<String, String> headers, boolean showAnswerWord) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Tandem-Alerts")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String answer;
            try (InputStream in = response.body()) {
                answer = new String(in.readNBytes(MAX_ANSWER), StandardCharsets.UTF_8).strip();
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return Delivery.ok(channel, "HTTP " + status);
            }
            String word = showAnswerWord && ERROR_WORD.matcher(answer).matches() ? ": " + answer : "";
            return Delivery.failed(channel, "HTTP " + status + word);
        } catch (HttpConnectTimeoutException e) {
            return Delivery.failed(channel, "connect timed out after " + Durations.format(timeout));
        } catch (HttpTimeoutException e) {
            return Delivery.failed(channel, "no answer within " + Durations.format(timeout));
        } catch (ConnectException e) {
            return Delivery.failed(channel, "connection refused");
        } catch (IOException e) {
            return Delivery.failed(channel, "I/O error (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Delivery.failed(channel, "interrupted");
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
