package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Where a running Tandem's processing stands (GET /api/v1/status; any token).")
public final class StatusCommand extends CommandIo implements Callable<Integer> {

    @Mixin
    ApiOptions api;

    @Override
    public Integer call() {
        JsonNode status = api.client().get("/status");
        if (api.json()) {
            TableOutput.json(out(), status);
            return 0;
        }
        List<List<String>> counters = new ArrayList<>();
        for (String member : List.of("received", "settled", "syncedSinceStart", "skippedSinceStart", "retrying", "deadLettered",
                "salesforceApiCallsSinceStart", "cdcEventsSinceStart", "cdcEchoesDroppedSinceStart")) {
            counters.add(List.of(member, TableOutput.text(status, member)));
        }
        TableOutput.table(out(), List.of("COUNTER", "VALUE"), counters);
        out().println();
        List<List<String>> flows = new ArrayList<>();
        status.path("flows").forEach(f -> flows.add(List.of(TableOutput.text(f, "id"), TableOutput.text(f, "version"),
                TableOutput.text(f, "enabled"), TableOutput.text(f, "committedOffset"))));
        TableOutput.table(out(), List.of("FLOW", "VERSION", "ENABLED", "OFFSET"), flows);
        status.path("flowProblems").forEach(p -> out().println("flow problem: " + p.asText()));
        out().flush();
        return 0;
    }
}
