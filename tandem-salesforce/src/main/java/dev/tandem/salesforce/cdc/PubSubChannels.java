package dev.tandem.salesforce.cdc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;

import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;

/**
 * Opens the gRPC channel to the Pub/Sub endpoint: TLS by default (the JDK's trust, a configured trust store, or a
 * PEM certificate file such as the sandbox's self-signed one), plaintext only when configured.
 */
public final class PubSubChannels {

    /** Room for a full batch of 100 events of up to 1 MB each ("Pub/Sub API Allocations"). */
    static final int MAX_INBOUND_MESSAGE_BYTES = 128 * 1024 * 1024;

    private PubSubChannels() {
    }

    public static ManagedChannel open(CdcSettings settings) {
        return Grpc.newChannelBuilder(settings.endpoint(), credentials(settings))
                .maxInboundMessageSize(MAX_INBOUND_MESSAGE_BYTES)
                .keepAliveTime(60, TimeUnit.SECONDS)
                .build();
    }

    static ChannelCredentials credentials(CdcSettings settings) {
        if (settings.plaintext()) {
            return InsecureChannelCredentials.create();
        }
        try {
            if (settings.trustCertificate().isPresent()) {
                return TlsChannelCredentials.newBuilder()
                        .trustManager(settings.trustCertificate().get().toFile()).build();
            }
            if (settings.trustStore().isPresent()) {
                KeyStore store = KeyStore.getInstance(settings.trustStore().get().toFile(),
                        settings.trustStorePassword().toCharArray());
                TrustManagerFactory factory = TrustManagerFactory.getInstance(
                        TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                return TlsChannelCredentials.newBuilder().trustManager(factory.getTrustManagers()).build();
            }
            return TlsChannelCredentials.create();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the Pub/Sub trust material: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("Cannot load the Pub/Sub trust store: " + e.getMessage(), e);
        }
    }

}
