package dev.tandem.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code tandem server} needs, read from {@code tandem.yaml} by {@link ConfigLoader}. Every key, its
 * default and its meaning are listed in docs/configuration.md.
 */
public record TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime,
                           Retry retry) {

    /** HTTP listener for webhooks, health and metrics. */
    public record Server(String host, int port) {
    }

    /** The embedded SQLite state store and event log. */
    public record Store(Path path) {
    }

    public record Clarity(URI baseUrl, String username, String password, Duration requestTimeout,
                          List<String> webhookSecrets, Duration webhookTolerance) {
    }

    public record Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                             String callOptionsClient, Duration requestTimeout) {
    }

    public record Runtime(int batchSize, Duration linger, Duration pollInterval) {
    }

    public record Retry(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter) {
    }
}
