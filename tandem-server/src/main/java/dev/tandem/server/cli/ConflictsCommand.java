package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tandem conflicts list|show|resolve}: the review queue of two-way sync (docs/flows/customer-360.md) of a
 * running Tandem, through its admin API.
 */
@Command(name = "conflicts", mixinStandardHelpOptions = true,
        description = "Fields changed on both sides that the master-data policy leaves to a person: list, show, resolve.",
        subcommands = {ConflictsCommand.ListConflicts.class, ConflictsCommand.Show.class, ConflictsCommand.Resolve.class})
public final class ConflictsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Conflicts, newest first (default: open ones).")
    static final class ListConflicts extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--state", defaultValue = "open", description = "open, resolved or all") String state;
        @Option(names = "--flow", description = "only this flow's") String flow;
        @Option(names = "--limit", defaultValue = "50", description = "at most this many (1–500)") int limit;

        @Override
        public Integer call() {
            String path = "/conflicts?limit=" + limit + (state.equalsIgnoreCase("all") ? "" : "&state=" + DlqCommand.enc(state))
                    + (flow == null ? "" : "&flow=" + DlqCommand.enc(flow));
            JsonNode page = api.client().get(path);
            if (api.json()) {
                TableOutput.json(out(), page);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            page.path("items").forEach(c -> rows.add(List.of(TableOutput.text(c, "id"), TableOutput.text(c, "state"),
                    TableOutput.text(c, "flow"), field(c.path("source")), value(c.path("source")),
                    field(c.path("target")), value(c.path("target")), TableOutput.text(c, "policy"))));
            TableOutput.table(out(), List.of("ID", "STATE", "FLOW", "SOURCE FIELD", "SOURCE VALUE", "TARGET FIELD",
                    "TARGET VALUE", "POLICY"), rows);
            out().flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One conflict: both values, times and why.")
    static final class Show extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            JsonNode c = api.client().get("/conflicts/" + id);
            if (api.json()) {
                TableOutput.json(out(), c);
                return 0;
            }
            out().println("conflict #" + c.path("id").asText() + " (" + c.path("state").asText() + ", flow "
                    + c.path("flow").asText() + ", policy " + c.path("policy").asText() + ")");
            out().println("  why:    " + c.path("reason").asText());
            for (String side : List.of("source", "target")) {
                JsonNode s = c.path(side);
                out().printf("  %-7s %s = %s (modified %s)%n", s.path("system").asText() + ":", field(s), value(s),
                        s.path("modifiedAt").isTextual() ? s.path("modifiedAt").asText() : "unknown");
            }
            out().println("  opened: " + c.path("openedAt").asText() + ", event " + c.path("eventOffset").asText());
            if (c.has("resolution")) {
                out().println("  resolved: " + c.path("resolution").asText() + " by " + c.path("resolvedBy").asText()
                        + " at " + c.path("resolvedAt").asText());
            } else {
                out().println("  resolve: tandem conflicts resolve " + c.path("id").asText() + " --take "
                        + c.path("source").path("system").asText() + "|" + c.path("target").path("system").asText()
                        + "|value [--value V]");
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true,
            description = "Take one side's current value (--take clarity|salesforce) or your own (--take value --value V); "
                    + "it is written to the side that lacks it.")
    static final class Resolve extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--take", required = true, paramLabel = "SIDE", description = "clarity, salesforce or value") String take;
        @Option(names = "--value", paramLabel = "V", description = "with --take value: the value (text)") String value;

        @Override
        public Integer call() {
            if (take.equals("value") && value == null) {
                err().println("tandem: --take value needs --value V");
                return 2;
            }
            ObjectNode body = DlqCommand.JSON.createObjectNode().put("take", take);
            if (value != null) {
                body.put("value", value);
            }
            JsonNode r = api.client().post("/conflicts/" + id + "/resolve", body);
            List<String> written = new ArrayList<>();
            r.path("writtenTo").forEach(w -> written.add(w.asText()));
            return DlqCommand.printed(this, api, r, "conflict #" + id + " resolved (" + r.path("resolution").asText()
                    + "): " + r.path("value") + (written.isEmpty() ? ", both sides already held it"
                    : " written to " + String.join(" and ", written)));
        }
    }

    private static String field(JsonNode side) {
        return side.path("system").asText() + " " + side.path("entity").asText() + " " + side.path("id").asText()
                + "." + side.path("field").asText();
    }

    private static String value(JsonNode side) {
        return side.path("value").toString();
    }
}
