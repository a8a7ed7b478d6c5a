package dev.tandem.clarity.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.testing.FakeClarity;
import dev.tandem.clarity.testing.FakeHttpServer;
import dev.tandem.clarity.testing.FakeHttpServer.Response;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@link ClarityRecordWriter} sends, against a fake CEF whose Update would replace the whole record (the
 * reading of clarity-api.md §5 the sandbox does not take): the body must carry every current field.
 */
class ClarityRecordWriterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTACT = "{\"ID\":7,\"CustomKey\":\"SF-7\",\"Active\":true,\"FirstName\":\"Ada\","
            + "\"Phone1\":\"1\",\"Email1\":\"old@example.com\",\"CreatedDate\":\"2026-01-01T00:00:00Z\","
            + "\"UpdatedDate\":\"2026-01-02T00:00:00Z\",\"Hash\":99,"
            + "\"Address\":{\"Street1\":\"1 Main St\",\"City\":\"London\"},\"SerializableAttributes\":{}}";

    private FakeClarity fake;
    private ClarityRestClient client;
    private ClarityRecordWriter writer;

    @BeforeEach
    void start() {
        fake = new FakeClarity();
        client = fake.client();
        writer = new ClarityRecordWriter(client);
        fake.record("/Contacts/Contact/Key/SF-7", CONTACT);
    }

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    private WriteOutcome write(String keyField, String key, String fields) throws Exception {
        RecordWrite r = new RecordWrite("c", "Contact", keyField, key, (ObjectNode) JSON.readTree(fields));
        return writer.write(new WriteGroup("g", List.of(r), null)).get(30, TimeUnit.SECONDS);
    }

    private void onUpdate(int status, String body) {
        fake.http().on("PUT", FakeClarity.BASE_PATH + "/Contacts/Contact/Update",
                fake.authenticated(r -> Response.json(status, body)));
    }

    @Test
    void theUpdateCarriesTheWholeCurrentRecordWithThePlannedFieldsMerged() throws Exception {
        onUpdate(200, "{\"ActionSucceeded\":true,\"Messages\":[],\"Result\":7}");

        WriteOutcome outcome = write("CustomKey", "SF-7", "{\"Phone1\":\"2\",\"Address\":{\"City\":\"Paris\"}}");

        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        assertThat(((WriteOutcome.Written) outcome).idsByRef()).containsEntry("c", "7");
        JsonNode sent = JSON.readTree(fake.http().requests("PUT", FakeClarity.BASE_PATH + "/Contacts/Contact/Update")
                .getFirst().body());
        assertThat(sent.path("ID").asInt()).isEqualTo(7);
        assertThat(sent.path("CustomKey").asText()).isEqualTo("SF-7");
        assertThat(sent.path("FirstName").asText()).isEqualTo("Ada");
        assertThat(sent.path("Email1").asText()).isEqualTo("old@example.com");
        assertThat(sent.path("Phone1").asText()).isEqualTo("2");
        assertThat(sent.path("Address").path("Street1").asText()).isEqualTo("1 Main St");
        assertThat(sent.path("Address").path("City").asText()).isEqualTo("Paris");
        assertThat(sent.has("UpdatedDate") || sent.has("CreatedDate") || sent.has("Hash")).isFalse();
    }

    @Test
    void groupsRunConcurrentlyUpToTheBound() throws Exception {
        // Both lookups must be in flight at once to pass the latch; a writer that serialised groups would leave the
        // first waiting, its lookup would fail after the latch's timeout, and neither group would be Written.
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        for (String key : List.of("SF-A", "SF-B")) {
            fake.http().on("GET", FakeClarity.BASE_PATH + "/Contacts/Contact/Key/" + key, fake.authenticated(r -> {
                both.countDown();
                return both.await(20, TimeUnit.SECONDS)
                        ? Response.json(200, CONTACT.replace("SF-7", key))
                        : Response.json(400, "{\"ResponseStatus\":{\"ErrorCode\":\"NotConcurrent\"}}");
            }));
        }
        ClarityRecordWriter two = new ClarityRecordWriter(client,
                task -> Thread.ofVirtual().start(task), 2);
        var a = two.write(new WriteGroup("a", List.of(new RecordWrite("c", "Contact", "CustomKey", "SF-A",
                (ObjectNode) JSON.readTree("{\"Email1\":\"old@example.com\"}"))), null));
        var b = two.write(new WriteGroup("b", List.of(new RecordWrite("c", "Contact", "CustomKey", "SF-B",
                (ObjectNode) JSON.readTree("{\"Email1\":\"old@example.com\"}"))), null));

        assertThat(a.get(30, TimeUnit.SECONDS)).isInstanceOf(WriteOutcome.Written.class);
        assertThat(b.get(30, TimeUnit.SECONDS)).isInstanceOf(WriteOutcome.Written.class);
    }

    @Test
    void eachUpdateCarriesTheRecordReadJustBeforeIt() throws Exception {
        // Six by-ID writes queued together, two written at a time: every Update follows its own record's read, with
        // no read of the batch ahead of the writes. (Read all at once up front, the last Update carried a record
        // read long before it, and a rename made in Clarity meanwhile was overwritten: a lost change.)
        for (int id = 11; id <= 16; id++) {
            fake.record("/Contacts/Contact/ID/" + id, CONTACT.replace("\"ID\":7", "\"ID\":" + id)
                    .replace("SF-7", "SF-" + id));
        }
        fake.http().on("PUT", FakeClarity.BASE_PATH + "/Contacts/Contact/Update", fake.authenticated(r ->
                Response.json(200, "{\"ActionSucceeded\":true,\"Messages\":[],\"Result\":"
                        + JSON.readTree(r.body()).path("ID").asInt() + "}")));
        ClarityRecordWriter two = new ClarityRecordWriter(client, task -> Thread.ofVirtual().start(task), 2);
        List<java.util.concurrent.CompletableFuture<WriteOutcome>> outcomes = new java.util.ArrayList<>();
        for (int id = 11; id <= 16; id++) {
            outcomes.add(two.write(new WriteGroup("g" + id, List.of(new RecordWrite("c", "Contact", "ID",
                    Integer.toString(id), (ObjectNode) JSON.readTree("{\"Phone1\":\"+1555" + id + "\"}"))), null)));
        }
        two.flush();
        for (var outcome : outcomes) {
            assertThat(outcome.get(30, TimeUnit.SECONDS)).isInstanceOf(WriteOutcome.Written.class);
        }

        List<FakeHttpServer.Request> calls = fake.http().requests().stream()
                .filter(r -> !r.path().endsWith("/auth/identity")).toList();
        assertThat(calls).hasSize(12).noneMatch(r -> r.path().endsWith("/Contacts/Contacts"));
        for (int id = 11; id <= 16; id++) {
            List<String> mine = new java.util.ArrayList<>();
            for (FakeHttpServer.Request r : calls) {
                if (r.path().endsWith("/ID/" + id)) {
                    mine.add("read");
                } else if (r.method().equals("PUT") && uncheckedId(r.body()) == id) {
                    mine.add("write");
                }
            }
            assertThat(mine).as("contact %d", id).containsExactly("read", "write");
        }
    }

    private static int uncheckedId(String body) {
        try {
            return JSON.readTree(body).path("ID").asInt();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void anActionFailedWithoutAKnownMessageIsADataRejection() throws Exception {
        onUpdate(200, "{\"ActionSucceeded\":false,\"Messages\":[\"Phone1 format is invalid\"]}");

        WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) write("CustomKey", "SF-7", "{\"Phone1\":\"x\"}");

        assertThat(rejected.error().errorCode()).isEqualTo(ClarityWriteException.CODE);
        assertThat(rejected.error().message()).isEqualTo("Phone1 format is invalid");
        assertThat(rejected.error().retryable()).isFalse();
        assertThat(ErrorClass.of(rejected.error().errorCode())).isEqualTo(ErrorClass.DATA);
    }

    @Test
    void aMissingPermissionIsThrownNotDeadLettered() throws Exception {
        onUpdate(403, "{\"StatusCode\":403,\"StatusDescription\":\"Forbidden\",\"Message\":\"Invalid Permission\"}");

        assertThatThrownBy(() -> write("CustomKey", "SF-7", "{\"Phone1\":\"2\"}"))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IntegrationException.class)
                .satisfies(e -> assertThat(ErrorClass.of(((IntegrationException) e).errorCode(),
                        ((IntegrationException) e).httpStatus())).isEqualTo(ErrorClass.AUTH));
    }

    @Test
    void anIisErrorPageIsARetryableFailure() throws Exception {
        onUpdate(502, "<html><body>Bad Gateway</body></html>");

        assertThatThrownBy(() -> write("CustomKey", "SF-7", "{\"Phone1\":\"2\"}"))
                .cause().isInstanceOf(IntegrationException.class)
                .satisfies(e -> {
                    assertThat(((IntegrationException) e).retryable()).isTrue();
                    assertThat(((IntegrationException) e).errorCode()).isEqualTo("HTTP_502");
                });
    }

    @Test
    void aSuccessWithoutAnIdIsNotTakenForAWrite() throws Exception {
        onUpdate(200, "{\"ActionSucceeded\":true,\"Messages\":[]}");

        assertThatThrownBy(() -> write("CustomKey", "SF-7", "{\"Phone1\":\"2\"}"))
                .cause().isInstanceOf(IntegrationException.class)
                .satisfies(e -> assertThat(((IntegrationException) e).errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }
}
