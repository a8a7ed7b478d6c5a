package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bulk API 2.0 ingest (spec §5 "Bulk API 2.0 ingest", §9 "Bulk API 2.0 defaults"). */
class BulkIngestTest extends SandboxTestSupport {

    private static final String JOBS = V + "/jobs/ingest";

    @Test
    void createJobAppliesTheDocumentedDefaultsAndIsOpen() {
        SandboxClient.Response response = client.post(JOBS, Map.of("object", "Account", "operation", "insert"));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Sforce-Limit-Info")).startsWith("api-usage=");
        JsonNode job = response.json();
        assertThat(job.get("id").asText()).startsWith("750").hasSize(18);
        assertThat(job.get("state").asText()).isEqualTo("Open");
        assertThat(job.get("object").asText()).isEqualTo("Account");
        assertThat(job.get("operation").asText()).isEqualTo("insert");
        assertThat(job.get("contentType").asText()).isEqualTo("CSV");
        assertThat(job.get("columnDelimiter").asText()).isEqualTo("COMMA");
        assertThat(job.get("lineEnding").asText()).isEqualTo("LF");
        assertThat(job.get("concurrencyMode").asText()).isEqualTo("Parallel");
        assertThat(job.get("apiVersion").isDouble()).isTrue();
        assertThat(job.get("contentUrl").asText())
                .isEqualTo("services/data/v66.0/jobs/ingest/" + job.get("id").asText() + "/batches");
        assertThat(job.get("createdDate").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
    }

    @Test
    void insertJobRunsToJobCompleteAndReportsSuccessfulAndFailedRows() {
        String id = runJob(Map.of("object", "Account", "operation", "insert"),
                "Name,Clarity_Account_Key__c,Industry\n"
                        + "\"Acme, Inc.\",A-1,#N/A\n"
                        + ",A-2,\n"
                        + "\"Quote \"\"Co\"\"\",A-3,\n");

        JsonNode info = client.get(JOBS + "/" + id).json();
        assertThat(info.get("state").asText()).isEqualTo("JobComplete");
        assertThat(info.get("numberRecordsProcessed").asInt()).isEqualTo(3);
        assertThat(info.get("numberRecordsFailed").asInt()).isEqualTo(1);
        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name"))
                .containsExactly("Acme, Inc.", "Quote \"Co\"");

        SandboxClient.Response successful = client.get(JOBS + "/" + id + "/successfulResults/");
        assertThat(successful.status()).isEqualTo(200);
        assertThat(successful.header("Content-Type")).startsWith("text/csv");
        List<String> lines = successful.text().lines().toList();
        assertThat(lines.getFirst()).isEqualTo("\"sf__Id\",\"sf__Created\",\"Name\",\"Clarity_Account_Key__c\",\"Industry\"");
        assertThat(lines.get(1)).matches("\"001\\w{15}\",\"true\",\"Acme, Inc.\",\"A-1\",\"#N/A\"");
        assertThat(lines.get(2)).endsWith(",\"true\",\"Quote \"\"Co\"\"\",\"A-3\",\"\"");

        List<String> failed = client.get(JOBS + "/" + id + "/failedResults/").text().lines().toList();
        assertThat(failed.getFirst()).isEqualTo("\"sf__Id\",\"sf__Error\",\"Name\",\"Clarity_Account_Key__c\",\"Industry\"");
        assertThat(failed.get(1)).isEqualTo(
                "\"\",\"REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --\",\"\",\"A-2\",\"\"");
    }

    @Test
    void upsertJobCreatesAndUpdatesByExternalIdAndResolvesParentsByExternalId() {
        String existing = account("A-1");

        String id = runJob(Map.of("object", "Contact", "operation", "upsert",
                "externalIdFieldName", "Clarity_Contact_Key__c"), "LastName,Clarity_Contact_Key__c,Account.Clarity_Account_Key__c\n"
                + "Lovelace,C-1,A-1\n");
        assertThat(client.get(JOBS + "/" + id).json().get("numberRecordsFailed").asInt()).isZero();
        assertThat(sandbox.records("Contact").getFirst().get("AccountId")).isEqualTo(existing);

        String again = runJob(Map.of("object", "Contact", "operation", "upsert",
                "externalIdFieldName", "Clarity_Contact_Key__c"), "LastName,Clarity_Contact_Key__c\nByron,C-1\n");

        List<String> lines = client.get(JOBS + "/" + again + "/successfulResults/").text().lines().toList();
        assertThat(lines.get(1)).contains("\"false\",\"Byron\",\"C-1\"");
        assertThat(sandbox.records("Contact")).singleElement()
                .satisfies(c -> assertThat(c.get("LastName")).isEqualTo("Byron"));
    }

    @Test
    void updateAndDeleteJobsAddressRecordsById() {
        String a = account("A-1");
        String b = account("A-2");

        runJob(Map.of("object", "Account", "operation", "update"), "Id,Name\n" + a + ",Renamed\n" + b + ",#N/A\n");
        assertThat(sandbox.record("Account", a).orElseThrow().get("Name")).isEqualTo("Renamed");
        List<String> failed = client.get(JOBS + "/" + lastJobId() + "/failedResults/").text().lines().toList();
        assertThat(failed.get(1)).startsWith("\"" + b + "\",\"REQUIRED_FIELD_MISSING:");

        runJob(Map.of("object", "Account", "operation", "delete"), "Id\n" + a + "\n");
        assertThat(sandbox.record("Account", a)).isEmpty();
    }

    @Test
    void unknownColumnFailsTheWholeJob() {
        String id = runJob(Map.of("object", "Account", "operation", "insert"), "Name,Bogus__c\nAcme,1\n");

        JsonNode info = client.get(JOBS + "/" + id).json();
        assertThat(info.get("state").asText()).isEqualTo("Failed");
        assertThat(info.get("errorMessage").asText()).isEqualTo("InvalidBatch : Field name not found : Bogus__c");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void crlfDataInAnLfJobFailsWithTheLineEndingError() {
        String id = runJob(Map.of("object", "Account", "operation", "insert"), "Name\r\nAcme\r\n");

        JsonNode info = client.get(JOBS + "/" + id).json();
        assertThat(info.get("state").asText()).isEqualTo("Failed");
        assertThat(info.get("errorMessage").asText())
                .isEqualTo("ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is LF");
    }

    @Test
    void aLineBreakInsideAQuotedValueIsNotARecordSeparator() {
        runJob(Map.of("object", "Account", "operation", "insert"),
                "Name,Description\n\"Acme\",\"two\r\nlines\"\n\nGlobex,\n");

        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name")).containsExactly("Acme", "Globex");
        assertThat(sandbox.records("Account").getFirst().get("Description")).isEqualTo("two\r\nlines");
    }

    @Test
    void lfDataInACrlfJobFailsWithTheLineEndingError() {
        String id = runJob(Map.of("object", "Account", "operation", "insert", "lineEnding", "CRLF"),
                "Name\r\nAcme\nGlobex\r\n");

        assertThat(client.get(JOBS + "/" + id).json().get("errorMessage").asText())
                .isEqualTo("ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is CRLF");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void crlfAndOtherDelimitersWorkWhenTheJobSaysSo() {
        runJob(Map.of("object", "Account", "operation", "insert", "lineEnding", "CRLF", "columnDelimiter", "PIPE"),
                "Name|Clarity_Account_Key__c\r\nPipe Co|P-1\r\n");

        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name")).containsExactly("Pipe Co");
    }

    @Test
    void unterminatedQuoteFailsTheJob() {
        String id = runJob(Map.of("object", "Account", "operation", "insert"), "Name\n\"Acme\n");

        assertThat(client.get(JOBS + "/" + id).json().get("errorMessage").asText())
                .startsWith("ClientInputError : ").containsIgnoringCase("quote");
    }

    @Test
    void abortedOpenJobNeverProcessesAndCanBeDeleted() {
        String id = create(Map.of("object", "Account", "operation", "insert"));
        upload(id, "Name\nAcme\n");

        SandboxClient.Response aborted = client.patch(JOBS + "/" + id, Map.of("state", "Aborted"));

        assertThat(aborted.json().get("state").asText()).isEqualTo("Aborted");
        await().atMost(Duration.ofSeconds(10)).until(() -> client.get(JOBS + "/" + id + "/unprocessedrecords/")
                .text().equals("\"Name\"\n\"Acme\"\n"));
        assertThat(client.patch(JOBS + "/" + id, Map.of("state", "UploadComplete")).status()).isEqualTo(400);
        assertThat(client.delete(JOBS + "/" + id).status()).isEqualTo(204);
        assertThat(client.get(JOBS + "/" + id).status()).isEqualTo(404);
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void secondUploadAndUploadAfterCompletionAreRefused() {
        String id = create(Map.of("object", "Account", "operation", "insert"));
        assertThat(upload(id, "Name\nA\n").status()).isEqualTo(201);

        assertThat(upload(id, "Name\nB\n").status()).isEqualTo(400);
        client.patch(JOBS + "/" + id, Map.of("state", "UploadComplete"));
        assertThat(upload(id, "Name\nC\n").status()).isEqualTo(409);
    }

    @Test
    void uploadMustBeCsv() {
        String id = create(Map.of("object", "Account", "operation", "insert"));

        SandboxClient.Response response = client.raw("PUT", JOBS + "/" + id + "/batches", "{}", "application/json",
                Map.of());

        assertThat(response.status()).isEqualTo(415);
    }

    @Test
    void invalidJobDefinitionsAreRefused() {
        assertThat(client.post(JOBS, Map.of("object", "Nope", "operation", "insert")).json().get(0)
                .get("errorCode").asText()).isEqualTo("INVALIDJOB");
        assertThat(client.post(JOBS, Map.of("object", "Account", "operation", "merge")).status()).isEqualTo(400);
        assertThat(client.post(JOBS, Map.of("object", "Account", "operation", "upsert")).json().get(0)
                .get("message").asText()).contains("External ID was blank for Account");
        assertThat(client.post(JOBS, Map.of("object", "Account", "operation", "upsert", "externalIdFieldName",
                "Name")).status()).isEqualTo(400);
        assertThat(client.post(JOBS, Map.of("object", "Account", "operation", "insert", "columnDelimiter", "X"))
                .status()).isEqualTo(400);
        assertThat(client.post(JOBS, "{not json").json().get(0).get("errorCode").asText())
                .isEqualTo("JSON_PARSER_ERROR");
    }

    @Test
    void jobsAreListedAndEveryCallCountsAsAnApiRequest() {
        long before = sandbox.apiRequestCount();
        String id = create(Map.of("object", "Account", "operation", "insert"));

        JsonNode list = client.get(JOBS).json();

        assertThat(list.get("done").asBoolean()).isTrue();
        assertThat(list.get("records")).extracting(j -> j.get("id").asText()).contains(id);
        assertThat(sandbox.apiRequestCount()).isEqualTo(before + 2);
        assertThat(client.get(JOBS + "/750000000000000AAA").status()).isEqualTo(404);
    }

    @Test
    void abortedInProgressJobLeavesTheRestAsUnprocessedRecords() {
        StringBuilder csv = new StringBuilder("Name\n");
        for (int i = 0; i < 5_000; i++) {
            csv.append("Account ").append(i).append('\n');
        }
        String id = create(Map.of("object", "Account", "operation", "insert"));
        upload(id, csv.toString());
        client.patch(JOBS + "/" + id, Map.of("state", "UploadComplete"));
        client.patch(JOBS + "/" + id, Map.of("state", "Aborted"));

        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode info = client.get(JOBS + "/" + id).json();
            int unprocessed = (int) client.get(JOBS + "/" + id + "/unprocessedrecords/").text().lines().count() - 1;
            return info.get("numberRecordsProcessed").asInt() + unprocessed == 5_000;
        });
        assertThat(client.get(JOBS + "/" + id).json().get("state").asText()).isEqualTo("Aborted");
        assertThat(client.get(JOBS + "/" + id + "/unprocessedrecords/").text().lines().findFirst())
                .contains("\"Name\"");
    }

    private String lastJobId;

    private String lastJobId() {
        return lastJobId;
    }

    private String create(Map<String, String> definition) {
        SandboxClient.Response response = client.post(JOBS, definition);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        lastJobId = response.json().get("id").asText();
        return lastJobId;
    }

    private SandboxClient.Response upload(String id, String csv) {
        return client.raw("PUT", JOBS + "/" + id + "/batches", csv, "text/csv", Map.of());
    }

    /** Create, upload, UploadComplete, then poll until the job is in a final state. */
    private String runJob(Map<String, String> definition, String csv) {
        String id = create(definition);
        assertThat(upload(id, csv).status()).isEqualTo(201);
        SandboxClient.Response complete = client.patch(JOBS + "/" + id, Map.of("state", "UploadComplete"));
        assertThat(complete.status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> List.of("JobComplete", "Failed", "Aborted")
                .contains(client.get(JOBS + "/" + id).json().get("state").asText()));
        return id;
    }
}
