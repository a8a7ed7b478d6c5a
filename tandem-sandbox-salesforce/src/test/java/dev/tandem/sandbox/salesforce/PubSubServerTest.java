package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import dev.tandem.sandbox.salesforce.pubsub.proto.ConsumerEvent;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.FetchResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.ProducerEvent;
import dev.tandem.sandbox.salesforce.pubsub.proto.PubSubGrpc;
import dev.tandem.sandbox.salesforce.pubsub.proto.PublishRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.PublishResponse;
import dev.tandem.sandbox.salesforce.pubsub.proto.ReplayPreset;
import dev.tandem.sandbox.salesforce.pubsub.proto.SchemaInfo;
import dev.tandem.sandbox.salesforce.pubsub.proto.SchemaRequest;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicInfo;
import dev.tandem.sandbox.salesforce.pubsub.proto.TopicRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** Every RPC of the sandbox's eventbus.v1.PubSub server and its errors, through a plain grpc-java client. */
class PubSubServerTest extends PubSubTestSupport {

    private static final String ACCOUNTS = "/data/AccountChangeEvent";
    private static final String SYNC = "/event/Tandem_Sync__e";

    @Test
    void getTopicDescribesChangeEventAndPlatformEventTopics() {
        TopicInfo account = blocking().getTopic(TopicRequest.newBuilder().setTopicName(ACCOUNTS).build());
        assertThat(account.getTopicName()).isEqualTo(ACCOUNTS);
        assertThat(account.getTenantGuid()).isEqualTo(sandbox.orgId());
        assertThat(account.getCanSubscribe()).isTrue();
        assertThat(account.getCanPublish()).isFalse();
        assertThat(account.getSchemaId()).hasSize(22);
        assertThat(account.getRpcId()).isNotEmpty();

        TopicInfo sync = blocking().getTopic(TopicRequest.newBuilder().setTopicName(SYNC).build());
        assertThat(sync.getCanPublish()).isTrue();
        assertThat(blocking().getTopic(TopicRequest.newBuilder().setTopicName("/data/ChangeEvents").build())
                .getCanSubscribe()).isTrue();

        assertThatThrownBy(() -> blocking().getTopic(TopicRequest.newBuilder().setTopicName("/event/Nope__e").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void getSchemaReturnsTheAvroSchemaOfTheTopic() {
        String schemaId = blocking().getTopic(TopicRequest.newBuilder().setTopicName(ACCOUNTS).build()).getSchemaId();
        SchemaInfo info = blocking().getSchema(SchemaRequest.newBuilder().setSchemaId(schemaId).build());
        assertThat(info.getSchemaId()).isEqualTo(schemaId);
        Schema schema = new Schema.Parser().parse(info.getSchemaJson());
        assertThat(schema.getFields().getFirst().name()).isEqualTo("ChangeEventHeader");
        assertThat(schema.getField("BillingAddress")).isNotNull();

        assertThatThrownBy(() -> blocking().getSchema(SchemaRequest.newBuilder().setSchemaId("nope").build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void badOrRevokedTokenIsUnauthenticatedWithTheAuthErrorTrailer() {
        PubSubGrpc.PubSubBlockingStub bad = PubSubGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(auth(sandbox.orgId() + "!bogus")));
        assertThatThrownBy(() -> bad.getTopic(TopicRequest.newBuilder().setTopicName(ACCOUNTS).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(errorCode(e)).isEqualTo("sfdc.platform.eventbus.grpc.service.auth.error");
                    assertThat(e.getStatus().getDescription()).contains("rpcId:");
                });

        Metadata wrongTenant = auth(token());
        wrongTenant.put(Metadata.Key.of("tenantid", Metadata.ASCII_STRING_MARSHALLER), "00D000000000001AAA");
        PubSubGrpc.PubSubBlockingStub other = PubSubGrpc.newBlockingStub(channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(wrongTenant));
        assertThatThrownBy(() -> other.getTopic(TopicRequest.newBuilder().setTopicName(ACCOUNTS).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAUTHENTICATED));

        Stream stream = subscribeLatest(ACCOUNTS, 10);
        control("POST", "revoke-tokens", null);
        StatusRuntimeException midStream = stream.awaitError();
        assertThat(midStream.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(errorCode(midStream)).isEqualTo("sfdc.platform.eventbus.grpc.service.auth.error");
        assertThatThrownBy(() -> blocking().getTopic(TopicRequest.newBuilder().setTopicName(ACCOUNTS).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.UNAUTHENTICATED));
    }

    @Test
    void subscribeLatestDeliversNewChangeEventsAsAvro() {
        createWithClient("Account", Map.of("Name", "Before"));
        Stream stream = subscribeLatest(ACCOUNTS, 10);
        String id = createWithClient("Account", Map.of("Name", "After"));

        ConsumerEvent event = stream.awaitEvents(1).getFirst();
        assertThat(event.getReplayId().size()).isEqualTo(8);
        String schemaId = event.getEvent().getSchemaId();
        Schema schema = new Schema.Parser().parse(blocking().getSchema(
                SchemaRequest.newBuilder().setSchemaId(schemaId).build()).getSchemaJson());
        GenericRecord record = decode(schema, event.getEvent().getPayload().toByteArray());
        assertThat(text(record.get("Name"))).isEqualTo("After");
        assertThat(strings(header(record).get("recordIds"))).containsExactly(id);
        FetchResponse response = stream.responses.stream().filter(r -> r.getEventsCount() > 0).findFirst()
                .orElseThrow();
        assertThat(response.getLatestReplayId()).isEqualTo(event.getReplayId());
        assertThat(response.getPendingNumRequested()).isEqualTo(9);
    }

    @Test
    void allChangeEventsTopicCarriesEveryObject() {
        Stream stream = subscribeLatest("/data/ChangeEvents", 10);
        createWithClient("Account", Map.of("Name", "A"));
        createWithClient("Contact", Map.of("LastName", "C"));
        List<ConsumerEvent> events = stream.awaitEvents(2);
        assertThat(events).extracting(e -> e.getEvent().getSchemaId()).containsExactly(
                schemaIdOf("Account"), schemaIdOf("Contact"));
    }

    @Test
    void flowControlNeverDeliversMoreThanRequested() {
        Stream stream = subscribeLatest(ACCOUNTS, 2);
        for (int i = 0; i < 5; i++) {
            createWithClient("Account", Map.of("Name", "N" + i));
        }
        stream.awaitEvents(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.pubSub().orElseThrow().subscribers().getFirst()
                .pendingNumRequested() == 0);
        assertThat(stream.events()).hasSize(2);
        assertThat(sandbox.pubSub().orElseThrow().subscribers().getFirst().delivered()).isEqualTo(2);

        stream.request(1);
        stream.awaitEvents(3);
        assertThat(stream.events()).hasSize(3);
        stream.request(10);
        List<ConsumerEvent> all = stream.awaitEvents(5);
        assertThat(all).hasSize(5);
        assertThat(all).extracting(e -> text(decode(schemaOf("Account"), e.getEvent().getPayload().toByteArray())
                .get("Name"))).containsExactly("N0", "N1", "N2", "N3", "N4");
        for (FetchResponse response : stream.responses) {
            assertThat(response.getEventsCount()).isLessThanOrEqualTo(10);
        }
    }

    @Test
    void moreThanOneHundredRequestedCountsAsOneHundred() {
        StringBuilder records = new StringBuilder("{\"allOrNone\":true,\"records\":[");
        for (int i = 0; i < 120; i++) {
            records.append(i == 0 ? "" : ",").append("{\"attributes\":{\"type\":\"Account\"},\"Name\":\"Bulk ")
                    .append(i).append("\"}");
        }
        records.append("]}");
        assertThat(call("POST", SandboxClient.V + "/composite/sobjects", records.toString()).status()).isEqualTo(200);

        Stream stream = subscribe(ACCOUNTS, ReplayPreset.EARLIEST, null, 150);
        stream.awaitEvents(100);
        await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.pubSub().orElseThrow().subscribers().isEmpty()
                && sandbox.pubSub().orElseThrow().subscribers().getFirst().pendingNumRequested() == 0);
        assertThat(stream.events()).hasSize(100);
        stream.request(50);
        assertThat(stream.awaitEvents(120)).hasSize(120);
    }

    @Test
    void earliestAndCustomReplay() {
        createWithClient("Account", Map.of("Name", "E1"));
        createWithClient("Account", Map.of("Name", "E2"));
        createWithClient("Account", Map.of("Name", "E3"));

        List<ConsumerEvent> earliest = subscribe(ACCOUNTS, ReplayPreset.EARLIEST, null, 10).awaitEvents(3);
        assertThat(earliest).hasSize(3);

        byte[] afterFirst = earliest.getFirst().getReplayId().toByteArray();
        List<ConsumerEvent> custom = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, afterFirst, 10).awaitEvents(2);
        assertThat(custom).extracting(ConsumerEvent::getReplayId)
                .containsExactly(earliest.get(1).getReplayId(), earliest.get(2).getReplayId());
    }

    @Test
    void customWithoutReplayIdFailsValidation() {
        StatusRuntimeException error = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, null, 10).awaitError();
        assertThat(error.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(errorCode(error)).isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed");
    }

    @Test
    void corruptOrExpiredReplayIdIsInvalidArgument() {
        StatusRuntimeException corrupt = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, new byte[] {1, 2, 3}, 10)
                .awaitError();
        assertThat(corrupt.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(errorCode(corrupt)).isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");

        createWithClient("Account", Map.of("Name", "Old"));
        byte[] stored = subscribe(ACCOUNTS, ReplayPreset.EARLIEST, null, 10).awaitEvents(1).getFirst().getReplayId()
                .toByteArray();
        assertThat(control("POST", "cdc/expire-replay-ids", null).json().get("expired").asInt()).isEqualTo(1);
        StatusRuntimeException expired = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, stored, 10).awaitError();
        assertThat(expired.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(errorCode(expired)).isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");

        byte[] future = java.nio.ByteBuffer.allocate(8).putLong(1_000_000).array();
        assertThat(errorCode(subscribe(ACCOUNTS, ReplayPreset.CUSTOM, future, 10).awaitError()))
                .isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
    }

    @Test
    void aReplayIdHandedOutAfterExpiryStaysValid() {
        createWithClient("Account", Map.of("Name", "Expired"));
        control("POST", "cdc/expire-replay-ids", null);
        Stream idle = subscribeLatest(ACCOUNTS, 5);
        await().atMost(Duration.ofSeconds(20)).until(() -> !idle.responses.isEmpty());
        byte[] keepAliveId = idle.responses.getFirst().getLatestReplayId().toByteArray();

        Stream resumed = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, keepAliveId, 5);
        createWithClient("Account", Map.of("Name", "Fresh"));
        assertThat(text(decode(schemaOf("Account"), resumed.awaitEvents(1).getFirst().getEvent().getPayload()
                .toByteArray()).get("Name"))).isEqualTo("Fresh");
    }

    @Test
    void retentionExpiresOldEvents() {
        createWithClient("Account", Map.of("Name", "Short-lived"));
        control("POST", "cdc/retention", "{\"seconds\":0}");
        StatusRuntimeException error = subscribe(ACCOUNTS, ReplayPreset.CUSTOM,
                java.nio.ByteBuffer.allocate(8).putLong(1).array(), 10).awaitError();
        assertThat(errorCode(error)).isEqualTo("sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted");
    }

    @Test
    void changingTheTopicMidStreamIsInvalidArgument() {
        Stream stream = subscribeLatest(ACCOUNTS, 1);
        stream.requests.onNext(FetchRequest.newBuilder().setTopicName("/data/ContactChangeEvent").setNumRequested(1)
                .build());
        assertThat(stream.awaitError().getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    @Test
    void idleStreamGetsKeepAlivesWithTheLatestReplayId() {
        createWithClient("Account", Map.of("Name", "Seen"));
        Stream stream = subscribeLatest(ACCOUNTS, 5);
        await().atMost(Duration.ofSeconds(20)).until(() -> !stream.responses.isEmpty());
        FetchResponse keepAlive = stream.responses.getFirst();
        assertThat(keepAlive.getEventsCount()).isZero();
        assertThat(keepAlive.getLatestReplayId().size()).isEqualTo(8);
        assertThat(keepAlive.getPendingNumRequested()).isEqualTo(5);

        // The keep-alive's replay id is a valid CUSTOM start that misses nothing.
        Stream resumed = subscribe(ACCOUNTS, ReplayPreset.CUSTOM, keepAlive.getLatestReplayId().toByteArray(), 5);
        createWithClient("Account", Map.of("Name", "Next"));
        assertThat(text(decode(schemaOf("Account"), resumed.awaitEvents(1).getFirst().getEvent().getPayload()
                .toByteArray()).get("Name"))).isEqualTo("Next");
    }

    @Test
    void droppedStreamEndsWithUnavailable() {
        Stream stream = subscribeLatest(ACCOUNTS, 5);
        assertThat(control("POST", "pubsub/drop", "{}").json().get("dropped").asInt()).isEqualTo(1);
        assertThat(stream.awaitError().getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void pausedDeliveryResumes() {
        Stream stream = subscribeLatest(ACCOUNTS, 5);
        control("POST", "pubsub/pause", "{\"paused\":true}");
        createWithClient("Account", Map.of("Name", "Held"));
        assertThat(control("GET", "pubsub", null).json().get("paused").asBoolean()).isTrue();
        assertThat(sandbox.pubSub().orElseThrow().subscribers().getFirst().delivered()).isZero();
        control("POST", "pubsub/resume", null);
        assertThat(stream.awaitEvents(1)).hasSize(1);
    }

    @Test
    void publishPlatformEventsAndReceiveThem() throws IOException {
        TopicInfo topic = blocking().getTopic(TopicRequest.newBuilder().setTopicName(SYNC).build());
        Schema schema = new Schema.Parser().parse(blocking().getSchema(
                SchemaRequest.newBuilder().setSchemaId(topic.getSchemaId()).build()).getSchemaJson());
        Stream stream = subscribeLatest(SYNC, 10);

        PublishResponse response = blocking().publish(PublishRequest.newBuilder().setTopicName(SYNC)
                .addEvents(event(schema, topic.getSchemaId(), "e-1", "Account"))
                .addEvents(event(schema, "wrong", "e-2", "Account")).build());
        assertThat(response.getSchemaId()).isEqualTo(topic.getSchemaId());
        assertThat(response.getResults(0).getReplayId().size()).isEqualTo(8);
        assertThat(response.getResults(0).getCorrelationKey()).isEqualTo("e-1");
        assertThat(response.getResults(1).hasError()).isTrue();

        ConsumerEvent received = stream.awaitEvents(1).getFirst();
        assertThat(received.getEvent().getId()).isEqualTo("e-1");
        assertThat(text(decode(schema, received.getEvent().getPayload().toByteArray()).get("Entity__c")))
                .isEqualTo("Account");

        PublishRequest.Builder tooMany = PublishRequest.newBuilder().setTopicName(SYNC);
        for (int i = 0; i < 201; i++) {
            tooMany.addEvents(event(schema, topic.getSchemaId(), "x" + i, "Account"));
        }
        assertThatThrownBy(() -> blocking().publish(tooMany.build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> blocking().publish(PublishRequest.newBuilder().setTopicName(ACCOUNTS)
                .addEvents(event(schema, topic.getSchemaId(), "x", "Account")).build()))
                .satisfies(e -> assertThat(code(e)).isEqualTo(Status.Code.PERMISSION_DENIED));
    }

    @Test
    void publishStreamAnswersEachRequest() throws IOException {
        TopicInfo topic = blocking().getTopic(TopicRequest.newBuilder().setTopicName(SYNC).build());
        Schema schema = new Schema.Parser().parse(blocking().getSchema(
                SchemaRequest.newBuilder().setSchemaId(topic.getSchemaId()).build()).getSchemaJson());
        List<PublishResponse> responses = new CopyOnWriteArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        StreamObserver<PublishRequest> requests = async().publishStream(new StreamObserver<>() {
            @Override
            public void onNext(PublishResponse value) {
                responses.add(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                completed.set(true);
            }
        });
        requests.onNext(PublishRequest.newBuilder().setTopicName(SYNC)
                .addEvents(event(schema, topic.getSchemaId(), "s-1", "Order")).build());
        requests.onNext(PublishRequest.newBuilder().setTopicName(SYNC)
                .addEvents(event(schema, topic.getSchemaId(), "s-2", "Order")).build());
        requests.onCompleted();
        await().atMost(Duration.ofSeconds(10)).until(completed::get);
        assertThat(responses).hasSize(2);
        assertThat(responses).allSatisfy(r -> assertThat(r.getResults(0).hasError()).isFalse());
    }

    @Test
    void restPublishedPlatformEventReachesPubSubSubscribers() {
        Stream stream = subscribeLatest(SYNC, 10);
        SandboxClient.Response response = call("POST", sobject("Tandem_Sync__e"),
                Map.of("Entity__c", "Account", "Record_Id__c", "001"));
        assertThat(response.status()).isEqualTo(201);
        ConsumerEvent event = stream.awaitEvents(1).getFirst();
        assertThat(event.getEvent().getId())
                .isEqualTo(response.json().get("errors").get(0).get("message").asText());
        GenericRecord record = decode(PlatformEventSchema.of(sandbox), event.getEvent().getPayload().toByteArray());
        assertThat(text(record.get("Record_Id__c"))).isEqualTo("001");
        assertThat(text(record.get("CreatedById"))).isEqualTo(sandbox.userId());
    }

    private String schemaIdOf(String entity) {
        return sandbox.changeCapture().layout(entity).orElseThrow().schemaId();
    }

    private static ProducerEvent event(Schema schema, String schemaId, String id, String entity) throws IOException {
        GenericRecord record = new GenericData.Record(schema);
        record.put("CreatedDate", System.currentTimeMillis());
        record.put("CreatedById", "005000000000001AAA");
        record.put("Entity__c", entity);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return ProducerEvent.newBuilder().setId(id).setSchemaId(schemaId)
                .setPayload(ByteString.copyFrom(out.toByteArray())).build();
    }

    private static final class PlatformEventSchema {
        static Schema of(SalesforceSandbox sandbox) {
            return dev.tandem.sandbox.salesforce.cdc.PlatformEventType.TANDEM_SYNC.schema();
        }
    }
}
