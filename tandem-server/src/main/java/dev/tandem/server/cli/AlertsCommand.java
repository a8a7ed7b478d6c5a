package dev.tandem.server.cli;

import dev.tandem.server.alerts.AlertNotifier;
import dev.tandem.server.alerts.AlertRule;
import dev.tandem.server.alerts.AlertsSettings;
import dev.tandem.server.alerts.Delivery;
import dev.tandem.server.alerts.SentAlert;
import dev.tandem.server.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code tandem alerts ...}: the alert rules of tandem.yaml, without a running server. */
@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "The alert rules and channels of tandem.yaml (docs/operations.md, \"Alerts\").",
        subcommands = {AlertsCommand.Test.class, AlertsCommand.ListAlerts.class})
public final class AlertsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Sends a TEST alert of one rule to each of its channels, from this machine, and prints "
                    + "whether each delivered it. Exits 0 when all did, 1 otherwise.")
    static final class Test extends CommandIo implements Callable<Integer> {
        @Option(names = "--rule", required = true, paramLabel = "NAME", description = "the rule's name (alerts.rules[].name)")
        String rule;
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "tandem.yaml",
                description = "tandem.yaml (default: ${DEFAULT-VALUE})")
        Path config;

        @Override
        public Integer call() {
            AlertsSettings settings = ConfigLoader.fromSystemEnvironment().load(config).alerts();
            Optional<AlertRule> found = settings.rule(rule);
            if (found.isEmpty()) {
                err().println("tandem: no alert rule '" + rule + "' in " + config + (settings.rules().isEmpty()
                        ? " (alerts.rules is empty)" : " (rules: " + String.join(", ",
                        settings.rules().stream().map(AlertRule::name).toList()) + ")"));
                return 1;
            }
            SentAlert sent;
            try (AlertNotifier notifier = AlertNotifier.fromSettings(settings, Clock.systemUTC())) {
                sent = notifier.test(found.get());
            }
            out().println("TEST alert of rule " + found.get().describe() + ", id " + sent.alert().id() + ":");
            for (Delivery d : sent.deliveries()) {
                out().printf("  %-20s %s%n", d.channel(), (d.delivered() ? "delivered: " : "NOT delivered: ") + d.detail());
            }
            long failed = sent.deliveries().stream().filter(d -> !d.delivered()).count();
            out().println(failed == 0 ? "all " + sent.deliveries().size() + " channel(s) delivered it"
                    : failed + " of " + sent.deliveries().size() + " channel(s) did not deliver it");
            return failed == 0 ? 0 : 1;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "The rules of a running Tandem, what fires now and what was sent (GET /api/v1/alerts/...).")
    static final class ListAlerts extends CommandIo implements Callable<Integer> {
        @picocli.CommandLine.Mixin ApiOptions api;

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.JsonNode rules = api.client().get("/alerts/rules");
            com.fasterxml.jackson.databind.JsonNode firing = api.client().get("/alerts/firing");
            com.fasterxml.jackson.databind.JsonNode history = api.client().get("/alerts/history?limit=20");
            if (api.json()) {
                com.fasterxml.jackson.databind.node.ObjectNode all = DlqCommand.JSON.createObjectNode();
                all.set("rules", rules);
                all.set("firing", firing);
                all.set("history", history);
                TableOutput.json(out(), all);
                return 0;
            }
            java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
            rules.path("items").forEach(r -> rows.add(java.util.List.of(TableOutput.text(r, "name"),
                    TableOutput.text(r, "condition"), TableOutput.text(r, "severity"), r.path("channels").toString())));
            TableOutput.table(out(), java.util.List.of("RULE", "CONDITION", "SEVERITY", "CHANNELS"), rows);
            firing.path("items").forEach(f -> out().println("FIRING  " + f.path("rule").asText() + "  since "
                    + f.path("since").asText() + "  " + f.path("summary").asText()));
            history.path("items").forEach(h -> out().println("sent    " + h.toString()));
            out().flush();
            return 0;
        }
    }
}
