package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code tandem retries list|run|cancel}: the pending retries of a running Tandem ({@code /api/v1/retries}). */
@Command(name = "retries", mixinStandardHelpOptions = true,
        description = "Pending retries of a running Tandem: list them, run one now, or cancel one (it becomes a dead letter).",
        subcommands = {RetriesCommand.ListRetries.class, RetriesCommand.Run.class, RetriesCommand.Cancel.class})
public final class RetriesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Flow, event, attempts, next due time, last error.")
    static final class ListRetries extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--flow") String flow;
        @Option(names = "--limit", defaultValue = "50") int limit;
        @Option(names = "--cursor") String cursor;

        @Override
        public Integer call() {
            JsonNode page = api.client().get("/retries?limit=" + limit + (flow == null ? "" : "&flow=" + DlqCommand.enc(flow))
                    + (cursor == null ? "" : "&cursor=" + DlqCommand.enc(cursor)));
            if (api.json()) {
                TableOutput.json(out(), page);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            page.path("items").forEach(r -> rows.add(List.of(TableOutput.text(r, "flow"), TableOutput.text(r, "eventOffset"),
                    TableOutput.text(r, "attempts"), TableOutput.text(r, "dueAt"), DlqCommand.clip(TableOutput.text(r, "lastError")))));
            TableOutput.table(out(), List.of("FLOW", "EVENT", "ATTEMPTS", "DUE", "LAST ERROR"), rows);
            out().println(page.path("total").asLong() + " pending" + (page.path("nextCursor").isTextual()
                    ? "; next page: --cursor " + page.path("nextCursor").asText() : ""));
            out().flush();
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run a pending retry now.")
    static final class Run extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "FLOW") String flow;
        @Parameters(index = "1", paramLabel = "EVENT") long offset;

        @Override
        public Integer call() {
            JsonNode r = api.client().post("/retries/" + DlqCommand.enc(flow) + "/" + offset + "/run", DlqCommand.JSON.createObjectNode());
            return DlqCommand.printed(this, api, r, "event " + offset + " of " + flow + " runs now");
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Cancel a pending retry; the event becomes an open dead letter (nothing is lost).")
    static final class Cancel extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(index = "0", paramLabel = "FLOW") String flow;
        @Parameters(index = "1", paramLabel = "EVENT") long offset;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            JsonNode d = api.client().delete("/retries/" + DlqCommand.enc(flow) + "/" + offset
                    + (reason == null ? "" : "?reason=" + DlqCommand.enc(reason)));
            return DlqCommand.printed(this, api, d, "cancelled; now dead letter " + d.path("id").asText() + " ("
                    + d.path("state").asText() + ")");
        }
    }
}
