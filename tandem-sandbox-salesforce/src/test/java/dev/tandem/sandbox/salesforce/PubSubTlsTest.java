package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tandem.sandbox.salesforce.pubsub.proto.PubSubGrpc;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicInfo;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The default Pub/Sub endpoint is TLS with a generated self-signed certificate written to a PEM file. */
class PubSubTlsTest extends PubSubTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.pubSubPort(0);
    }

    @Test
    void clientTrustingThePrintedCertificateConnectsOverTls() throws IOException {
        Path certificate = sandbox.pubSubCertificatePath().orElseThrow();
        assertThat(Files.readString(certificate)).startsWith("-----BEGIN CERTIFICATE-----");
        ChannelCredentials credentials = TlsChannelCredentials.newBuilder().trustManager(certificate.toFile()).build();
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("localhost", sandbox.pubSubPort(), credentials)
                .build();
        channels.add(channel);
        TopicInfo info = PubSubGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth(token())))
                .getTopic(TopicRequest.newBuilder().setTopicName("/data/AccountChangeEvent").build());
        assertThat(info.getTenantGuid()).isEqualTo(sandbox.orgId());
        assertThat(sandbox.pubSub().orElseThrow().plaintext()).isFalse();
    }
}
