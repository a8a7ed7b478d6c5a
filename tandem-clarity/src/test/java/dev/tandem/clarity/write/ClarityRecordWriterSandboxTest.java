package dev.tandem.clarity.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ClarityRecordWriter} over real HTTP against the Clarity sandbox (clarity-api.md §5 routes). */
class ClarityRecordWriterSandboxTest {

    private static final String USER = "tandem-writer";
    private static final String PASSWORD = "writer-Pa55!";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static ClaritySandbox sandbox;
    private static ClarityRestClient client;
    private static ClarityRecordWriter writer;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(11).customers(2).products(1)
                .build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
        writer = new ClarityRecordWriter(client);
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode fields(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static WriteOutcome write(ClarityRecordWriter w, RecordWrite... records) throws Exception {
        return w.write(new WriteGroup("g" + GROUPS.incrementAndGet(), List.of(records), null)).get(60, TimeUnit.SECONDS);
    }

    private static WriteOutcome write(RecordWrite... records) throws Exception {
        return write(writer, records);
    }

    private static int contact(String key) throws Exception {
        WriteOutcome created = write(new RecordWrite("c", "Contact", "CustomKey", key,
                fields("{\"FirstName\":\"Ada\",\"LastName\":\"Lovelace\",\"Phone1\":\"+44 20 0000\","
                        + "\"Email1\":\"ada@old.example\",\"Title\":\"Countess\","
                        + "\"Address\":{\"Street1\":\"1 St James's Square\",\"City\":\"London\"}}")));
        assertThat(created).isInstanceOf(WriteOutcome.Written.class);
        return Integer.parseInt(((WriteOutcome.Written) created).idsByRef().get("c"));
    }

    private static ObjectNode fetchContact(int id) {
        return client.fetch("Contact", Integer.toString(id)).orElseThrow();
    }

    @Test
    void aProductIsUpdatedByItsCustomKeyOrIdAndItsOtherFieldsStay() throws Exception {
        var product = sandbox.store().products().all().getFirst();

        WriteOutcome byKey = write(new RecordWrite("p", "Product", "CustomKey", product.customKey(),
                fields("{\"Description\":\"Edited in Salesforce\"}")));

        assertThat(byKey).isInstanceOfSatisfying(WriteOutcome.Written.class, w -> {
            assertThat(w.idsByRef()).containsEntry("p", Integer.toString(product.id()));
            assertThat(w.request()).contains("PUT /Products/Product/Update");
        });
        var updated = sandbox.store().products().byId(product.id()).orElseThrow();
        assertThat(updated.description()).isEqualTo("Edited in Salesforce");
        assertThat(updated.name()).isEqualTo(product.name());
        assertThat(updated.customKey()).isEqualTo(product.customKey());

        WriteOutcome byId = write(new RecordWrite("p", "Product", "ID", Integer.toString(product.id()),
                fields("{\"Description\":\"Edited again\"}")));
        assertThat(byId).isInstanceOf(WriteOutcome.Written.class);
        assertThat(sandbox.store().products().byId(product.id()).orElseThrow().description()).isEqualTo("Edited again");
    }

    @Test
    void aProductClarityDoesNotHaveIsRefusedNotCreated() throws Exception {
        int before = sandbox.store().products().size();

        WriteOutcome outcome = write(new RecordWrite("p", "Product", "CustomKey", "SF-ONLY-1",
                fields("{\"Name\":\"Made in Salesforce\",\"Description\":\"x\"}")));

        assertThat(outcome).isInstanceOfSatisfying(WriteOutcome.Rejected.class, r -> {
            assertThat(r.error().errorCode()).isEqualTo(ClarityRecordWriter.NOT_FOUND);
            assertThat(r.error().message()).contains("SF-ONLY-1").contains("does not create them");
        });
        assertThat(sandbox.store().products().size()).isEqualTo(before);
    }

    @Test
    void createsAMissingContactByCustomKeyThenUpdatesOnlyThePlannedFields() throws Exception {
        int id = contact("SF-C-1");
        ObjectNode before = fetchContact(id);
        assertThat(before.path("CustomKey").asText()).isEqualTo("SF-C-1");

        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "CustomKey", "SF-C-1",
                fields("{\"Phone1\":\"+44 20 1111\",\"Email1\":\"ada@new.example\"}")));

        assertThat(outcome).isEqualTo(new WriteOutcome.Written(java.util.Map.of("c", Integer.toString(id)), false,
                "GET /Contacts/Contact/Key/{key}; PUT /Contacts/Contact/Update"));
        ObjectNode after = fetchContact(id);
        assertThat(after.path("Phone1").asText()).isEqualTo("+44 20 1111");
        assertThat(after.path("Email1").asText()).isEqualTo("ada@new.example");
        assertThat(after.path("FirstName").asText()).isEqualTo("Ada");
        assertThat(after.path("Title").asText()).isEqualTo("Countess");
        assertThat(after.path("Address").path("City").asText()).isEqualTo("London");
    }

    @Test
    void updatesByIdAndMergesANestedAddress() throws Exception {
        int id = contact("SF-C-2");

        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "ID", Integer.toString(id),
                fields("{\"Email1\":\"ada@id.example\",\"Address\":{\"City\":\"Paris\"}}")));

        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        ObjectNode after = fetchContact(id);
        assertThat(after.path("Email1").asText()).isEqualTo("ada@id.example");
        assertThat(after.path("Phone1").asText()).isEqualTo("+44 20 0000");
        assertThat(after.path("Address").path("City").asText()).isEqualTo("Paris");
        assertThat(after.path("Address").path("Street1").asText()).isEqualTo("1 St James's Square");
    }

    @Test
    void anAddressChangeUpdatesTheContactsAddressRowMemberByMember() throws Exception {
        int id = contact("SF-C-ADDR");
        int addressId = fetchContact(id).path("Address").path("ID").asInt();
        assertThat(addressId).as("CEF stores the new address as a row").isPositive();

        write(new RecordWrite("c", "Contact", "CustomKey", "SF-C-ADDR", fields("{\"Address\":{\"Street1\":"
                + "\"10 Downing St\",\"PostalCode\":\"SW1A 2AA\",\"CountryCode\":\"GBR\"}}")));

        ObjectNode after = fetchContact(id);
        assertThat(after.path("Address").path("ID").asInt()).as("the same row").isEqualTo(addressId);
        assertThat(after.path("AddressID").asInt()).isEqualTo(addressId);
        assertThat(after.path("Address").path("Street1").asText()).isEqualTo("10 Downing St");
        assertThat(after.path("Address").path("PostalCode").asText()).isEqualTo("SW1A 2AA");
        assertThat(after.path("Address").path("City").asText()).as("kept").isEqualTo("London");
    }

    @Test
    void aRecordWrittenByIdIsNamedByItsCefIdBeforeTheWrite() {
        assertThat(writer.keysByRecordId("ID")).isTrue();
        assertThat(writer.keysByRecordId("CustomKey")).isFalse();
    }

    @Test
    void aWriteThatChangesNothingSendsNoUpdate() throws Exception {
        int id = contact("SF-C-3");

        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "ID", Integer.toString(id),
                fields("{\"Email1\":\"ada@old.example\"}")));

        assertThat(outcome.request()).isEqualTo("GET /Contacts/Contact/ID/{key}");
    }

    @Test
    void aUserReferencesAnAccountAndAContactCreatedEarlierInTheGroup() throws Exception {
        WriteOutcome outcome = write(
                new RecordWrite("account", "Account", "CustomKey", "SF-A-1", fields("{\"Name\":\"Analytical Ltd\"}")),
                new RecordWrite("contact", "Contact", "CustomKey", "SF-C-4", fields("{\"FirstName\":\"Charles\"}")),
                new RecordWrite("user", "User", "CustomKey", "SF-U-1", fields("{\"UserName\":\"charles@example.com\","
                        + "\"Email\":\"charles@example.com\",\"AccountID\":\"@{account.id}\","
                        + "\"ContactID\":\"@{contact.id}\",\"DisplayName\":\"Charles (@{account.id})\"}")));

        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        var ids = ((WriteOutcome.Written) outcome).idsByRef();
        assertThat(ids).containsOnlyKeys("account", "contact", "user");
        ObjectNode user = client.fetch("User", ids.get("user")).orElseThrow();
        assertThat(user.path("AccountID").asText()).isEqualTo(ids.get("account"));
        assertThat(user.path("ContactID").asText()).isEqualTo(ids.get("contact"));
        assertThat(user.path("DisplayName").asText()).isEqualTo("Charles (" + ids.get("account") + ")");
        assertThat(client.fetch("Account", ids.get("account")).orElseThrow().path("CustomKey").asText())
                .isEqualTo("SF-A-1");
    }

    @Test
    void activeFalseDeactivatesAndActiveTrueReactivates() throws Exception {
        int id = contact("SF-C-5");

        WriteOutcome off = write(new RecordWrite("c", "Contact", "CustomKey", "SF-C-5", fields("{\"Active\":false}")));

        assertThat(off.request()).endsWith("PATCH /Contacts/Contact/Deactivate/ID/" + id);
        assertThat(fetchContact(id).path("Active").asBoolean()).isFalse();
        assertThat(fetchContact(id).path("FirstName").asText()).isEqualTo("Ada");

        write(new RecordWrite("c", "Contact", "ID", Integer.toString(id), fields("{\"Active\":true}")));
        assertThat(fetchContact(id).path("Active").asBoolean()).isTrue();
    }

    @Test
    void deactivatingAnUnknownKeyIsRefusedNotCreated() throws Exception {
        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "CustomKey", "SF-NEVER", fields("{\"Active\":false}")));

        assertThat(outcome).isInstanceOf(WriteOutcome.Rejected.class);
        assertThat(((WriteOutcome.Rejected) outcome).error().errorCode()).isEqualTo("NotFound");
        assertThat(client.fetchByKey("Contact", "SF-NEVER")).isEmpty();
    }

    @Test
    void aMissingRequiredFieldIsRejectedAsMissingField() throws Exception {
        WriteOutcome outcome = write(
                new RecordWrite("contact", "Contact", "CustomKey", "SF-C-6", fields("{\"FirstName\":\"Grace\"}")),
                new RecordWrite("account", "Account", "CustomKey", "SF-A-NONAME", fields("{\"EIN\":\"12-345\"}")));

        assertThat(outcome).isInstanceOf(WriteOutcome.Rejected.class);
        WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) outcome;
        assertThat(rejected.ref()).isEqualTo("account");
        assertThat(rejected.error().errorCode()).isEqualTo(ClarityRecordWriter.REQUIRED_FIELD_MISSING);
        assertThat(rejected.error().fields()).containsExactly("Name");
        assertThat(rejected.error().message()).contains("Name is required");
        assertThat(ErrorClass.of(rejected.error().errorCode())).isEqualTo(ErrorClass.MISSING_FIELD);
        assertThat(client.fetchByKey("Account", "SF-A-NONAME")).isEmpty();
    }

    @Test
    void anUnknownIdIsRejectedWithNotFound() throws Exception {
        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "ID", "987654", fields("{\"Phone1\":\"1\"}")));

        WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) outcome;
        assertThat(rejected.error().errorCode()).isEqualTo("NotFound");
        assertThat(ErrorClass.of(rejected.error().errorCode())).isEqualTo(ErrorClass.DATA);
    }

    @Test
    void aDuplicateCustomKeyIsRejectedAsDuplicate() throws Exception {
        int first = contact("SF-C-7");
        contact("SF-C-8");

        WriteOutcome outcome = write(new RecordWrite("c", "Contact", "ID", Integer.toString(first),
                fields("{\"CustomKey\":\"SF-C-8\"}")));

        WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) outcome;
        assertThat(rejected.error().errorCode()).isEqualTo(ClarityRecordWriter.DUPLICATE_VALUE);
        assertThat(ErrorClass.of(rejected.error().errorCode())).isEqualTo(ErrorClass.DUPLICATE);
    }

    @Test
    void unsupportedEntitiesKeysAndReferencesAreRejectedBeforeAnyCall() throws Exception {
        WriteOutcome entity = write(new RecordWrite("o", "SalesOrder", "CustomKey", "SO-1", fields("{}")));
        assertThat(((WriteOutcome.Rejected) entity).error().errorCode()).isEqualTo(ClarityRecordWriter.UNSUPPORTED_ENTITY);
        assertThat(((WriteOutcome.Rejected) entity).error().message()).contains("Contact, Account, User and Product");

        WriteOutcome keyField = write(new RecordWrite("c", "Contact", "Email1", "a@b", fields("{}")));
        assertThat(((WriteOutcome.Rejected) keyField).error().errorCode()).isEqualTo(ClarityRecordWriter.INVALID_KEY);

        WriteOutcome badId = write(new RecordWrite("c", "Contact", "ID", "1 OR 1=1", fields("{}")));
        assertThat(((WriteOutcome.Rejected) badId).error().errorCode()).isEqualTo(ClarityRecordWriter.INVALID_KEY);

        WriteOutcome longKey = write(new RecordWrite("c", "Contact", "CustomKey", "k".repeat(129), fields("{}")));
        assertThat(((WriteOutcome.Rejected) longKey).error().errorCode()).isEqualTo(ClarityRecordWriter.INVALID_KEY);

        WriteOutcome reference = write(new RecordWrite("u", "User", "CustomKey", "SF-U-X",
                fields("{\"UserName\":\"x\",\"AccountID\":\"@{nobody.id}\"}")));
        assertThat(((WriteOutcome.Rejected) reference).error().errorCode())
                .isEqualTo(ClarityRecordWriter.UNRESOLVED_REFERENCE);

        int target = contact("SF-C-10");
        WriteOutcome redirect = write(new RecordWrite("c", "Contact", "CustomKey", "SF-C-11",
                fields("{\"id\":" + target + ",\"FirstName\":\"Mallory\"}")));
        assertThat(((WriteOutcome.Rejected) redirect).error().errorCode()).isEqualTo(ClarityRecordWriter.INVALID_FIELD);
        assertThat(fetchContact(target).path("FirstName").asText()).isEqualTo("Ada");

        WriteOutcome active = write(new RecordWrite("c", "Contact", "CustomKey", "SF-C-9", fields("{\"Active\":\"no\"}")));
        assertThat(((WriteOutcome.Rejected) active).error().errorCode()).isEqualTo(ClarityRecordWriter.INVALID_FIELD);
    }

    @Test
    void hostileValuesGetTheSandboxsErrorNotACrash() throws Exception {
        WriteOutcome wrongType = write(new RecordWrite("u", "User", "CustomKey", "SF-U-2",
                fields("{\"UserName\":\"eve\",\"AccountID\":{\"$where\":\"1\"}}")));
        WriteOutcome.Rejected rejected = (WriteOutcome.Rejected) wrongType;
        assertThat(rejected.error().errorCode()).isEqualTo("SerializationException");
        assertThat(ErrorClass.of(rejected.error().errorCode())).isEqualTo(ErrorClass.DATA);

        // A key with path characters stays one URL segment; an oversized value is stored or refused, never a crash.
        String key = "../Account/ID/1?x=é 💥";
        WriteOutcome odd = write(new RecordWrite("c", "Contact", "CustomKey", key,
                fields("{\"FirstName\":\"" + "x".repeat(100_000) + "\",\"LastName\":\"<script>'\\\"\"}")));
        assertThat(odd).isInstanceOf(WriteOutcome.Written.class);
        ObjectNode stored = client.fetchByKey("Contact", key).orElseThrow();
        assertThat(stored.path("LastName").asText()).isEqualTo("<script>'\"");
        assertThat(stored.path("FirstName").asText()).hasSize(100_000);
    }

    @Test
    void aClarityOutageIsARetryableFailureOfTheWholeGroup() throws Exception {
        ClaritySandbox failing = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(3).customers(1)
                .products(1).build().start();
        try (ClarityRestClient c = ClarityRestClient.create(
                ClarityConfig.of(URI.create(failing.baseUrl()), USER, PASSWORD))) {
            ClarityRecordWriter w = new ClarityRecordWriter(c);
            // log in while it is up, so the failure is the write's
            assertThat(write(w, new RecordWrite("c", "Contact", "CustomKey", "SF-UP", fields("{\"FirstName\":\"A\"}"))))
                    .isInstanceOf(WriteOutcome.Written.class);
            failing.faults().errorStatus(503).errorRate(1.0);

            assertThatThrownBy(() -> write(w, new RecordWrite("c", "Contact", "CustomKey", "SF-UP",
                    fields("{\"Phone1\":\"2\"}"))))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IntegrationException.class)
                    .satisfies(e -> {
                        IntegrationException failure = (IntegrationException) e;
                        assertThat(failure.retryable()).isTrue();
                        assertThat(failure.system()).isEqualTo("clarity");
                        assertThat(ErrorClass.of(failure.errorCode(), failure.httpStatus()))
                                .isEqualTo(ErrorClass.CONNECTION);
                    });

            failing.close();
            assertThatThrownBy(() -> write(w, new RecordWrite("c", "Contact", "CustomKey", "SF-UP",
                    fields("{\"Phone1\":\"3\"}"))))
                    .cause().isInstanceOf(IntegrationException.class)
                    .satisfies(e -> assertThat(((IntegrationException) e).retryable()).isTrue());
        } finally {
            failing.close();
        }
    }
}
