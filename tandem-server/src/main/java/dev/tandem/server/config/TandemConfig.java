package dev.tandem.server.config;

import dev.tandem.clarity.read.PollSettings;
import dev.tandem.salesforce.auth.AuthConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything {@code tandem server} needs, read from {@code tandem.yaml} by {@link ConfigLoader}. Every key, its
 * default and its meaning are listed in docs/configuration.md.
 */
public record TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime,
                           Retry retry, Flows flows, dev.tandem.salesforce.cdc.CdcSettings cdc) {

    public TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime, Retry retry) {
        this(server, store, clarity, salesforce, runtime, retry, Flows.shipped(),
                dev.tandem.salesforce.cdc.CdcSettings.defaults());
    }

    public TandemConfig withFlows(Flows value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, value, cdc);
    }

    /** Salesforce Change Data Capture over the Pub/Sub API ({@code salesforce.cdc.*}). */
    public TandemConfig withCdc(dev.tandem.salesforce.cdc.CdcSettings value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, value);
    }

    /**
     * @param dir     a folder of flow files that add to or override the shipped ones (hot-reloaded); null for none
     * @param enabled per flow id, switches a flow on or off over its file's {@code enabled}
     */
    public record Flows(Path dir, java.util.Map<String, Boolean> enabled) {
        public Flows {
            enabled = java.util.Map.copyOf(enabled);
        }

        public static Flows shipped() {
            return new Flows(null, java.util.Map.of());
        }
    }

    /** HTTP listener for webhooks, health and metrics. */
    public record Server(String host, int port) {
    }

    /** The embedded SQLite state store and event log. */
    public record Store(Path path) {
    }

    /**
     * @param ingest              how Clarity changes arrive: webhooks, delta polling, or both at once
     * @param webhookAllowedCidrs addresses allowed to post webhooks; empty = any
     * @param poll                the delta poller's settings (used when {@code ingest} polls)
     */
    public record Clarity(URI baseUrl, String username, String password, Duration requestTimeout,
                          List<String> webhookSecrets, Duration webhookTolerance, Ingest ingest,
                          List<String> webhookAllowedCidrs, PollSettings poll) {

        public Clarity(URI baseUrl, String username, String password, Duration requestTimeout,
                       List<String> webhookSecrets, Duration webhookTolerance) {
            this(baseUrl, username, password, requestTimeout, webhookSecrets, webhookTolerance, Ingest.WEBHOOK,
                    List.of(), PollSettings.defaults());
        }

        public Clarity withIngest(Ingest value, PollSettings pollSettings) {
            return new Clarity(baseUrl, username, password, requestTimeout, webhookSecrets, webhookTolerance, value,
                    webhookAllowedCidrs, pollSettings);
        }
    }

    /** Ingestion path for Clarity changes (clarity-api.md §11: both are first-class). */
    public enum Ingest {
        WEBHOOK, POLL, BOTH;

        public boolean webhooks() {
            return this != POLL;
        }

        public boolean polls() {
            return this != WEBHOOK;
        }
    }

    /**
     * @param auth             the OAuth flow and its credentials (client credentials over HTTP Basic when not configured)
     * @param writerWindow     how long the batching writer collects writes before sending
     * @param writerMaxRecords records per sObject Collections request (≤ 200)
     */
    public record Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                             String callOptionsClient, Duration requestTimeout, AuthConfig auth,
                             Duration writerWindow, int writerMaxRecords) {

        public Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                          String callOptionsClient, Duration requestTimeout) {
            this(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout,
                    AuthConfig.clientCredentials(), Duration.ofMillis(50), 200);
        }
    }

    public record Runtime(int batchSize, Duration linger, Duration pollInterval) {
    }

    public record Retry(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter) {
    }
}
