package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tandem dlq list|show|retry|edit|resolve|ignore|bulk}: the dead-letter queue of a running Tandem, over
 * {@code /api/v1/dead-letters} (a viewer token lists and shows; acting needs an operator token).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Dead letters of a running Tandem: find why records failed, fix them, see them land.",
        subcommands = {DlqCommand.ListDeadLetters.class, DlqCommand.Show.class, DlqCommand.Retry.class,
                DlqCommand.Edit.class, DlqCommand.Resolve.class, DlqCommand.Ignore.class, DlqCommand.Bulk.class})
public final class DlqCommand implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }

    /** The list's filters, shared by list and bulk. */
    static final class Filters {
        @Option(names = "--flow", description = "flow id") String flow;
        @Option(names = "--step", description = "step kind, e.g. validate, to") String step;
        @Option(names = "--code", description = "error code, e.g. REQUIRED_FIELD_MISSING") String code;
        @Option(names = "--class", description = "error class: data, missing_field, duplicate, connection, rate_limit, auth, business_rule, lock, internal") String errorClass;
        @Option(names = "--state", description = "open, retrying, resolved or ignored (list: any; bulk: as the action needs)") String state;
        @Option(names = "--key", description = "a record: Clarity key or id, related record (Contact/12), Salesforce id") String key;
        @Option(names = {"-q", "--search"}, description = "words that must all appear in the message, code, key or record") String text;
        @Option(names = "--from", description = "created at or after (ISO-8601)") String from;
        @Option(names = "--to", description = "created before (ISO-8601)") String to;

        /** The filters given, by the API's parameter name, in the API's order. */
        java.util.Map<String, String> given() {
            java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
            String[][] all = {{"flow", flow}, {"step", step}, {"code", code}, {"class", errorClass}, {"state", state},
                    {"key", key}, {"q", text}, {"from", from}, {"to", to}};
            for (String[] f : all) {
                if (f[1] != null) {
                    m.put(f[0], f[1]);
                }
            }
            return m;
        }

        /** As query parameters of the list. */
        String query() {
            return String.join("&", given().entrySet().stream().map(e -> e.getKey() + "=" + enc(e.getValue())).toList());
        }

        /** As the filter object of a bulk action. */
        ObjectNode filter() {
            ObjectNode f = JSON.createObjectNode();
            given().forEach(f::put);
            return f;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, newest first, by filter.")
    static final class ListDeadLetters extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @picocli.CommandLine.ArgGroup(exclusive = false) Filters filters = new Filters();
        @Option(names = "--limit", defaultValue = "50", description = "rows per page (1–500)") int limit;
        @Option(names = "--cursor", description = "the next cursor a previous page printed") String cursor;
        @Option(names = "--counts", description = "active dead letters per flow and error code instead") boolean counts;

        @Override
        public Integer call() {
            if (counts) {
                JsonNode c = api.client().get("/dead-letters/counts");
                if (api.json()) {
                    TableOutput.json(out(), c);
                    return 0;
                }
                List<List<String>> rows = new ArrayList<>();
                c.path("byFlow").properties().forEach(f -> f.getValue().properties().forEach(code ->
                        rows.add(List.of(f.getKey(), code.getKey(), code.getValue().asText()))));
                TableOutput.table(out(), List.of("FLOW", "CODE", "ACTIVE"), rows);
                out().flush();
                return 0;
            }
            String q = filters.query();
            String path = "/dead-letters?limit=" + limit + (q.isEmpty() ? "" : "&" + q) + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode page = api.client().get(path);
            if (api.json()) {
                TableOutput.json(out(), page);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            page.path("items").forEach(d -> rows.add(List.of(TableOutput.text(d, "id"), TableOutput.text(d, "state"),
                    TableOutput.text(d, "flow"), TableOutput.text(d, "entityKey"), TableOutput.text(d, "errorClass"),
                    TableOutput.text(d, "errorCode"), TableOutput.text(d, "occurrences"), clip(TableOutput.text(d, "errorMessage")))));
            TableOutput.table(out(), List.of("ID", "STATE", "FLOW", "KEY", "CLASS", "CODE", "TIMES", "MESSAGE"), rows);
            out().println(page.path("total").asLong() + " in all" + (page.path("nextCursor").isTextual()
                    ? "; next page: --cursor " + page.path("nextCursor").asText() : ""));
            out().flush();
            return 0;
        }
    }

    static String clip(String s) {
        return s.length() > 90 ? s.substring(0, 89) + "…" : s;
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One dead letter: why it failed, the source record, the request, the history and timeline.")
    static final class Show extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            JsonNode d = api.client().get("/dead-letters/" + id);
            if (api.json()) {
                TableOutput.json(out(), d);
                return 0;
            }
            out().println("Dead letter " + d.path("id").asText() + " — " + d.path("state").asText() + " (" + d.path("occurrences").asText()
                    + "× , " + d.path("attempts").asText() + " attempts)");
            out().println("  flow     " + d.path("flow").asText() + " (version " + d.path("flowVersion").asText() + "), step "
                    + d.path("step").asText());
            out().println("  record   " + d.path("entity").asText() + " " + d.path("entityKey").asText() + " (event "
                    + d.path("eventOffset").asText() + ")");
            out().println("  error    " + d.path("errorClass").asText() + " " + d.path("errorCode").asText() + ": "
                    + d.path("errorMessage").asText());
            if (d.path("response").path("fields").size() > 0) {
                out().println("  fields   " + d.path("response").path("fields"));
            }
            if (d.path("relatedRecords").size() > 0) {
                out().println("  related  " + d.path("relatedRecords"));
            }
            if (!d.path("resolution").isNull() && !d.path("resolution").isMissingNode()) {
                out().println("  resolved " + d.path("resolution").asText());
            }
            out().println("History:");
            d.path("history").forEach(h -> out().println("  " + h.path("at").asText() + "  " + h.path("actor").asText() + "  "
                    + h.path("action").asText() + " → " + h.path("to").asText() + "  " + h.path("detail").asText()));
            out().println("Source record (what the flow had): " + d.path("source"));
            if (!d.path("request").isNull() && !d.path("request").isMissingNode()) {
                out().println("Request (mapped): " + d.path("request"));
            }
            if (!d.path("edit").isNull() && !d.path("edit").isMissingNode()) {
                out().println("Kept edit: " + d.path("edit"));
            }
            out().flush();
            return 0;
        }
    }

    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Retry now: as-is (default), --from-start on the latest flow version, or --edited with the kept edit.")
    static final class Retry extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--from-start") boolean fromStart;
        @Option(names = "--edited") boolean edited;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            ObjectNode body = JSON.createObjectNode().put("mode", fromStart ? "from-start" : edited ? "edited" : "as-is");
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode d = api.client().post("/dead-letters/" + id + "/retry", body);
            return printed(this, api, d, "dead letter " + id + " is " + d.path("state").asText());
        }
    }

    @Command(name = "edit", mixinStandardHelpOptions = true,
            description = "Edit and retry: source fields to override (--set Field=value, dotted for nested, or --source-file) "
                    + "or the whole request (--request-file); checked against the flow first.")
    static final class Edit extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--set", paramLabel = "FIELD=VALUE", description = "e.g. --set BillingContact.LastName=Li") List<String> sets = new ArrayList<>();
        @Option(names = "--source-file", paramLabel = "FILE", description = "a JSON object of source fields") Path sourceFile;
        @Option(names = "--request-file", paramLabel = "FILE", description = "a whole write plan as JSON") Path requestFile;
        @Option(names = "--dry-run", description = "only check the edit and show what would be sent") boolean dryRun;
        @Option(names = "--no-retry", description = "keep the edit without retrying") boolean noRetry;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() throws IOException {
            ObjectNode edit = JSON.createObjectNode();
            ObjectNode source = sourceFile == null ? JSON.createObjectNode() : (ObjectNode) readObject(sourceFile);
            for (String s : sets) {
                int eq = s.indexOf('=');
                if (eq <= 0) {
                    err().println("tandem: --set takes FIELD=VALUE, got '" + s + "'");
                    return 2;
                }
                ObjectNode at = source;
                String[] path = s.substring(0, eq).split("\\.");
                for (int i = 0; i < path.length - 1; i++) {
                    at = at.has(path[i]) && at.get(path[i]).isObject() ? (ObjectNode) at.get(path[i]) : at.putObject(path[i]);
                }
                at.put(path[path.length - 1], s.substring(eq + 1));
            }
            if (!source.isEmpty()) {
                edit.set("source", source);
            }
            if (requestFile != null) {
                edit.set("request", readObject(requestFile));
            }
            ObjectNode body = JSON.createObjectNode();
            body.set("edit", edit);
            body.put("dryRun", dryRun);
            body.put("retry", !noRetry);
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode r;
            try {
                r = api.client().post("/dead-letters/" + id + "/edit", body);
            } catch (ApiClient.ApiException e) {
                if (e.status() == 422) {
                    err().println("tandem: " + e.getMessage());
                    return 1;
                }
                throw e;
            }
            if (api.json()) {
                TableOutput.json(out(), r);
                return 0;
            }
            out().println(dryRun ? "the edit is valid; the flow would send:" : "kept; dead letter " + id + " is "
                    + r.path("deadLetter").path("state").asText());
            if (dryRun) {
                out().println(r.path("preview"));
            }
            out().flush();
            return 0;
        }

        private JsonNode readObject(Path file) throws IOException {
            JsonNode n = JSON.readTree(Files.readString(file));
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException(file + " must hold a JSON object");
            }
            return n;
        }
    }

    /** resolve and ignore: the same call to another endpoint. */
    abstract static class Settle extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--reason", required = true, description = "why; kept in the dead letter's history") String reason;

        abstract String action();

        @Override
        public Integer call() {
            JsonNode d = api.client().post("/dead-letters/" + id + "/" + action(), JSON.createObjectNode().put("reason", reason));
            return printed(this, api, d, "dead letter " + id + " is " + d.path("state").asText());
        }
    }

    @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve with a reason.")
    static final class Resolve extends Settle {
        @Override
        String action() {
            return "resolve";
        }
    }

    @Command(name = "ignore", mixinStandardHelpOptions = true, description = "Ignore with a reason.")
    static final class Ignore extends Settle {
        @Override
        String action() {
            return "ignore";
        }
    }

    @Command(name = "bulk", mixinStandardHelpOptions = true,
            description = "Retry, resolve or ignore every dead letter a filter matches; counts only unless --yes.")
    static final class Bulk extends CommandIo implements Callable<Integer> {
        @Mixin ApiOptions api;
        @Parameters(paramLabel = "ACTION", description = "retry, resolve or ignore") String action;
        @picocli.CommandLine.ArgGroup(exclusive = false) Filters filters = new Filters();
        @Option(names = "--all", description = "every dead letter (when no filter is given)") boolean all;
        @Option(names = "--yes", description = "carry it out (without: a dry-run count)") boolean yes;
        @Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            ObjectNode filter = filters.filter();
            if (all) {
                filter.put("all", true);
            }
            ObjectNode body = JSON.createObjectNode().put("action", action).put("dryRun", !yes);
            body.set("filter", filter);
            if (reason != null) {
                body.put("reason", reason);
            }
            JsonNode r = api.client().post("/dead-letters/bulk", body);
            return printed(this, api, r, r.path("dryRun").asBoolean()
                    ? r.path("matched").asLong() + " dead letters match; add --yes to " + action + " them"
                    : action + ": " + r.path("changed").asLong() + " of " + r.path("matched").asLong() + " matched"
                    + (r.path("truncated").asBoolean() ? " (the first 10,000; run it again for more)" : ""));
        }
    }

    static int printed(CommandIo cmd, ApiOptions api, JsonNode body, String line) {
        if (api.json()) {
            TableOutput.json(cmd.out(), body);
        } else {
            cmd.out().println(line);
            cmd.out().flush();
        }
        return 0;
    }
}
