package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tandem duplicates scan|merge}: the duplicates of a running Tandem's two systems, over
 * {@code /api/v1/duplicates} (a viewer token scans; merging needs an operator token). See docs/duplicates.md.
 */
@Command(name = "duplicates", mixinStandardHelpOptions = true,
        description = "Find customers that exist twice (Salesforce and Clarity) and merge Salesforce duplicates.",
        subcommands = {DuplicatesCommand.Scan.class, DuplicatesCommand.Merge.class})
public final class DuplicatesCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = "Records that look like the same customer: same normalised e-mail, or name + postal code.")
    static final class Scan extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--object", required = true, description = "Account, Contact or PersonAccount") String object;
        @Option(names = "--system", defaultValue = "both", description = "salesforce, clarity or both (default)")
        String system;

        @Override
        public Integer call() {
            JsonNode r = api.client().get("/duplicates?object=" + DlqCommand.enc(object) + "&system="
                    + DlqCommand.enc(system));
            if (api.json()) {
                TableOutput.json(out(), r);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            int n = 0;
            for (JsonNode set : r.path("sets")) {
                n++;
                String by = String.join(" / ", DlqCommand.JSON.convertValue(set.path("matchedBy"), String[].class));
                for (JsonNode rec : set.path("records")) {
                    rows.add(List.of(String.valueOf(n), TableOutput.text(set, "system"), TableOutput.text(set, "object"),
                            by, TableOutput.text(rec, "id"), TableOutput.text(rec, "key"), TableOutput.text(rec, "name"),
                            DlqCommand.clip(TableOutput.text(set, "value"))));
                }
            }
            TableOutput.table(out(), List.of("SET", "SYSTEM", "OBJECT", "MATCHED BY", "ID", "CLARITY KEY", "NAME",
                    "VALUE"), rows);
            out().println(n + " duplicate set(s)" + (n == 0 ? "" : "; merge Salesforce ones with: tandem duplicates"
                    + " merge --object " + object + " --survivor ID --loser ID"));
            out().flush();
            return 0;
        }
    }

    @Command(name = "merge", mixinStandardHelpOptions = true,
            description = "Merge the loser into the survivor in Salesforce (a dry run unless --apply).")
    static final class Merge extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Option(names = "--object", required = true, description = "Account, Contact or PersonAccount") String object;
        @Option(names = "--survivor", required = true, description = "Salesforce id of the record that stays")
        String survivor;
        @Option(names = "--loser", required = true, description = "Salesforce id of the record merged and deleted")
        String loser;
        @Option(names = "--apply", description = "carry the merge out (default: show what it would do)")
        boolean apply;

        @Override
        public Integer call() {
            ObjectNode body = DlqCommand.JSON.createObjectNode().put("object", object).put("survivor", survivor)
                    .put("loser", loser).put("apply", apply);
            JsonNode plan = api.client().post("/duplicates/merge", body);
            if (api.json()) {
                TableOutput.json(out(), plan);
                return plan.path("blockers").isEmpty() ? 0 : 1;
            }
            out().println((apply ? "Merged " : "Dry run: would merge ") + object + " " + plan.path("loser").asText()
                    + " into " + plan.path("survivor").asText());
            for (JsonNode m : plan.path("moves")) {
                out().println("  move  " + m.path("object").asText() + " " + m.path("id").asText() + " ("
                        + m.path("field").asText() + " → survivor)");
            }
            plan.path("copied").properties().forEach(f -> out().println("  copy  " + f.getKey() + " = "
                    + f.getValue().asText()));
            if (!plan.path("movedKey").asText().isEmpty()) {
                out().println("  key   " + plan.path("movedKey").asText() + " moves to the survivor (and Tandem's link)");
            }
            out().println("  delete " + plan.path("loser").asText());
            for (JsonNode b : plan.path("blockers")) {
                out().println("  BLOCKED: " + b.asText());
            }
            if (!apply) {
                out().println(plan.path("blockers").isEmpty() ? "Nothing changed; add --apply to merge."
                        : "Nothing changed; the merge cannot be applied until the blockers are gone.");
            }
            out().flush();
            return plan.path("blockers").isEmpty() ? 0 : 1;
        }
    }
}
