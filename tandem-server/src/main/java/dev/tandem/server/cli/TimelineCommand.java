package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code tandem timeline KEY}: a record's audit trail in both directions ({@code /api/v1/timeline}). */
@Command(name = "timeline", mixinStandardHelpOptions = true,
        description = "A record's timeline: every event that touched it, each flow step's decision, what each write changed.")
public final class TimelineCommand extends CommandIo implements Callable<Integer> {

    @Mixin
    ApiOptions api;
    @Parameters(paramLabel = "KEY", description = "a Clarity key (SO-5001) or id, a Salesforce id, or an e-mail address")
    String key;
    @Option(names = "--limit", defaultValue = "50", description = "events (1–200)")
    int limit;

    @Override
    public Integer call() {
        JsonNode t = api.client().get("/timeline?key=" + DlqCommand.enc(key) + "&limit=" + limit);
        if (api.json()) {
            TableOutput.json(out(), t);
            return 0;
        }
        t.path("links").forEach(l -> out().println("link  " + l.path("objectType").asText() + " " + l.path("sourceKey").asText()
                + " ⇄ " + l.path("targetId").asText()));
        for (JsonNode e : t.path("events")) {
            out().println(e.path("receivedAt").asText() + "  #" + e.path("offset").asText() + "  " + e.path("source").asText()
                    + " " + e.path("type").asText() + " " + e.path("entity").asText() + " " + e.path("entityId").asText()
                    + (e.path("entityKey").asText().isEmpty() ? "" : " (" + e.path("entityKey").asText() + ")"));
            for (JsonNode s : e.path("steps")) {
                out().println("    " + s.path("flow").asText() + " " + s.path("step").asText() + ": " + s.path("decision").asText()
                        + (s.path("status").asInt() == 0 ? "" : " [" + s.path("status").asText() + "]") + "  "
                        + DlqCommand.clip(s.path("detail").asText("")));
                s.path("written").properties().forEach(w -> {
                    JsonNode changed = w.getValue().path("changed");
                    if (!changed.isEmpty()) {
                        out().println("      " + w.getValue().path("entity").asText() + " " + w.getValue().path("key").asText()
                                + (w.getValue().path("firstWrite").asBoolean() ? " (first write)" : "") + ": "
                                + String.join(", ", changed.properties().stream().map(c -> c.getKey() + " "
                                + (c.getValue().path("from").isMissingNode() || c.getValue().path("from").isNull() ? ""
                                : c.getValue().path("from") + " → ") + c.getValue().path("to")).toList()));
                    }
                });
            }
        }
        t.path("deadLetters").forEach(d -> out().println("dead letter " + d.path("id").asText() + " (" + d.path("state").asText()
                + "): " + d.path("errorCode").asText() + " — tandem dlq show " + d.path("id").asText()));
        if (t.path("events").isEmpty()) {
            out().println("no events for " + key);
        }
        out().flush();
        return 0;
    }
}
