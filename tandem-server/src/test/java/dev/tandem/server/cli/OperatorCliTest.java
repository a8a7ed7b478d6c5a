package dev.tandem.server.cli;

import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.PendingRetry;
import dev.tandem.server.api.ApiTestServer;
import dev.tandem.server.api.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The operator's commands (dlq, retries, timeline, flows pause|resume, alerts list) against a running Tandem. */
class OperatorCliTest {

    private static final String FLOW = "clarity-order-to-salesforce";

    @TempDir
    Path dir;
    private ApiTestServer api;
    private String url;
    private Path viewer;
    private Path operator;
    private long deadLetter;
    private long offset;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    private CliRun as(Path token, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url, "--token-file", token.toString()));
        return run(all.toArray(String[]::new));
    }

    @BeforeEach
    void start() throws IOException {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        url = api.server.baseUrl().toString();
        viewer = Files.writeString(dir.resolve("viewer"), api.token("cli-viewer", Role.VIEWER));
        operator = Files.writeString(dir.resolve("operator"), api.token("cli-operator", Role.OPERATOR));
        // An event no flow acts on, and the dead letter an order flow made of it.
        offset = api.server.eventLog().append(new InboundEvent("clarity", "ev-cli", "Test.Event", "SalesOrder", "5001",
                "SO-5001", Instant.now(), "{\"ID\":5001}")).offset();
        Instant now = Instant.now();
        deadLetter = api.server.stateStore().addDeadLetter(new DeadLetter(0, offset, FLOW, "v1", "SalesOrder", "SO-5001",
                "SalesOrder/5001", "validate", "REQUIRED_FIELD_MISSING", null,
                "Required fields are missing: [LastName]", 0, List.of("LastName"), "{\"ID\":5001}", null,
                List.of("Contact/7"), 1, 1, DeadLetter.State.OPEN, null, null, now, now));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void anOperatorListsShowsAndResolvesDeadLettersFromTheCommandLine() {
        CliRun list = as(viewer, "dlq", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("ID", "CLASS", "SO-5001", "missing_field", "REQUIRED_FIELD_MISSING", "1 in all");
        assertThat(as(viewer, "dlq", "list", "--class", "duplicate").out()).contains("0 in all");
        assertThat(as(viewer, "dlq", "list", "--counts").out()).contains(FLOW, "REQUIRED_FIELD_MISSING");
        CliRun json = as(viewer, "dlq", "list", "--key", "SO-5001", "--json");
        assertThat(json.out()).contains("\"total\" : 1");

        CliRun show = as(viewer, "dlq", "show", String.valueOf(deadLetter));
        assertThat(show.out()).contains("missing_field REQUIRED_FIELD_MISSING", "History:", "dead-lettered", "[\"Contact/7\"]");

        CliRun noReason = as(operator, "dlq", "resolve", String.valueOf(deadLetter));
        assertThat(noReason.exitCode()).isEqualTo(2);
        assertThat(noReason.err()).contains("--reason");
        CliRun viewerRefused = as(viewer, "dlq", "resolve", String.valueOf(deadLetter), "--reason", "x");
        assertThat(viewerRefused.exitCode()).isEqualTo(1);
        assertThat(viewerRefused.err()).contains("403");

        CliRun dry = as(operator, "dlq", "bulk", "resolve", "--flow", FLOW);
        assertThat(dry.out()).contains("1 dead letters match; add --yes");
        CliRun resolved = as(operator, "dlq", "resolve", String.valueOf(deadLetter), "--reason", "fixed by hand in Salesforce");
        assertThat(resolved.exitCode()).as(resolved.err()).isZero();
        assertThat(resolved.out()).contains("is resolved");
        assertThat(as(viewer, "dlq", "show", String.valueOf(deadLetter)).out()).contains("cli-operator", "fixed by hand in Salesforce");
        CliRun again = as(operator, "dlq", "resolve", String.valueOf(deadLetter), "--reason", "again");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("409");

        CliRun missing = as(viewer, "dlq", "show", "424242");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("404");
    }

    @Test
    void anEditIsCheckedAndABadOneSaysWhy() {
        CliRun bad = as(operator, "dlq", "edit", String.valueOf(deadLetter), "--set", "noequals");
        assertThat(bad.exitCode()).isEqualTo(2);
        CliRun empty = as(operator, "dlq", "edit", String.valueOf(deadLetter));
        assertThat(empty.exitCode()).isEqualTo(1);
        assertThat(empty.err()).contains("changes nothing");
    }

    @Test
    void pendingRetriesAreListedAndACancelledOneBecomesADeadLetter() {
        long other = api.server.eventLog().append(new InboundEvent("clarity", "ev-cli-2", "Test.Event", "SalesOrder", "5002",
                "SO-5002", Instant.now(), "{}")).offset();
        api.server.stateStore().scheduleRetry(new PendingRetry(other, FLOW, 3, Instant.now().plus(Duration.ofHours(1)),
                "UNABLE_TO_LOCK_ROW: unable to obtain exclusive access"));

        CliRun list = as(viewer, "retries", "list");
        assertThat(list.out()).contains(FLOW, String.valueOf(other), "UNABLE_TO_LOCK_ROW", "1 pending");
        CliRun cancelled = as(operator, "retries", "cancel", FLOW, String.valueOf(other), "--reason", "stop");
        assertThat(cancelled.exitCode()).as(cancelled.err()).isZero();
        assertThat(cancelled.out()).contains("now dead letter", "open");
        assertThat(as(viewer, "retries", "list").out()).contains("0 pending");
        assertThat(as(operator, "retries", "run", FLOW, String.valueOf(other)).err()).contains("404");
    }

    @Test
    void theTimelineShowsTheRecordsEventsAndDeadLetters() {
        CliRun t = as(viewer, "timeline", "SO-5001");
        assertThat(t.exitCode()).as(t.err()).isZero();
        assertThat(t.out()).contains("#" + offset, "Test.Event", "dead letter " + deadLetter, "tandem dlq show");
        assertThat(as(viewer, "timeline", "SO-nothing").out()).contains("no events for SO-nothing");
    }

    @Test
    void anOperatorPausesAndResumesAFlowAndSeesTheAlertRules() {
        CliRun paused = as(operator, "flows", "pause", FLOW, "--reason", "month end");
        assertThat(paused.exitCode()).as(paused.err()).isZero();
        assertThat(paused.out()).contains(FLOW + " is paused");
        assertThat(as(operator, "flows", "resume", FLOW).out()).contains(FLOW + " is running");
        assertThat(as(viewer, "flows", "pause", FLOW).err()).contains("403");
        assertThat(as(operator, "flows", "pause", "no-such-flow").err()).contains("404");

        CliRun alerts = as(viewer, "alerts", "list");
        assertThat(alerts.exitCode()).as(alerts.err()).isZero();
        assertThat(alerts.out()).contains("RULE", "CONDITION");
    }
}
