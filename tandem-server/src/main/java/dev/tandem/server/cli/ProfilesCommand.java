package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.core.profile.Profiles;
import dev.tandem.server.api.ProfileApi;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.store.jdbc.JdbcStores;
import dev.tandem.store.jdbc.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code tandem profiles show|reset FLOW}: the data profiles a flow's {@code profile} rule learned (docs/profiles.md).
 * Read from the state store of {@code --config} directly; when a running {@code tandem server} holds that store (or
 * {@code --url} is given), through its admin API ({@code /api/v1/profiles/{flow}}), as {@code tandem reconcile
 * --repair} chooses.
 */
@Command(name = "profiles", mixinStandardHelpOptions = true,
        description = "What a flow's profile rule learned from the records it synced: show, reset.",
        subcommands = {ProfilesCommand.Show.class, ProfilesCommand.Reset.class})
public final class ProfilesCommand implements Runnable {

    static final int USAGE = 2;
    private static final Pattern FLOW_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** The environment the config's {@code ${VAR}}s and $TANDEM_TOKEN are read from (tests replace it). */
    static Function<String, String> environment = System::getenv;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    abstract static class Base extends CommandIo {
        @Parameters(paramLabel = "FLOW", description = "the flow id") String flow;
        @Option(names = "--config", paramLabel = "FILE", defaultValue = "tandem.yaml",
                description = "tandem.yaml naming the state store (default ${DEFAULT-VALUE})") Path config;
        @Option(names = "--url", paramLabel = "URL",
                description = "ask the Tandem at URL over its admin API instead (default when the store is held by a running server: $TANDEM_URL, else server.host/port of --config)") URI url;
        @Option(names = "--token-file", paramLabel = "FILE",
                description = "with the admin API: a file holding the API token (default: $TANDEM_TOKEN)") Path tokenFile;
        @Option(names = "--json", description = "print JSON") boolean json;

        abstract JsonNode local(ProfileStore store);

        abstract JsonNode remote(ApiClient api);

        abstract void print(JsonNode result);

        final Integer run(String checkedField) {
            if (!FLOW_ID.matcher(flow).matches()) {
                err().println("tandem profiles: '" + DlqCommand.clip(flow) + "' is not a flow id (lower-case letters, digits and -)");
                return USAGE;
            }
            if (checkedField != null && !Profiles.PATH.matcher(checkedField).matches()) {
                err().println("tandem profiles: --field '" + DlqCommand.clip(checkedField) + "' is not a field path "
                        + "(keys joined by dots, [] after a key for each element of an array, e.g. Lines[].Quantity)");
                return USAGE;
            }
            JsonNode result;
            if (url != null) {
                result = remote(ApiClient.from(url, tokenFile, config, environment));
            } else {
                TandemConfig cfg = new ConfigLoader(environment).load(config);
                JdbcStores stores;
                try {
                    stores = JdbcStores.openSqlite(cfg.store().path());
                } catch (StoreException e) {
                    if (!String.valueOf(e.getMessage()).contains("in use by another Tandem")) {
                        throw e;
                    }
                    // The running server owns its store (one process at a time): ask it.
                    result = remote(ApiClient.from(null, tokenFile, config, environment));
                    print(result);
                    return 0;
                }
                try (stores) {
                    result = local((ProfileStore) stores.stateStore());
                }
            }
            print(result);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Per field: observations, null rate, kinds and formats, length and number ranges, typical magnitude, the values of a categorical field.")
    static final class Show extends Base implements Callable<Integer> {
        @Override
        public Integer call() {
            return run(null);
        }

        @Override
        JsonNode local(ProfileStore store) {
            return ProfileApi.body(flow, store.profiles(flow));
        }

        @Override
        JsonNode remote(ApiClient api) {
            return api.get("/profiles/" + DlqCommand.enc(flow));
        }

        @Override
        void print(JsonNode body) {
            if (json) {
                TableOutput.json(out(), body);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : body.path("fields").properties()) {
                JsonNode p = e.getValue();
                rows.add(List.of(e.getKey(), p.path("observations").asText(), p.path("nullRate").asText(),
                        kinds(p.path("kinds")), kinds(p.path("formats")), range(p), domain(p.path("domain"))));
            }
            if (rows.isEmpty()) {
                out().println("flow " + body.path("flow").asText() + " has learned no profile yet (its profile rule "
                        + "learns from the records it syncs)");
            } else {
                TableOutput.table(out(), List.of("FIELD", "SEEN", "NULLS", "KINDS", "FORMATS", "RANGE", "VALUES"), rows);
            }
            out().flush();
        }

        private static String kinds(JsonNode m) {
            List<String> parts = new ArrayList<>();
            m.properties().forEach(k -> parts.add(k.getKey() + " " + k.getValue().asText()));
            return String.join(", ", parts);
        }

        private static String range(JsonNode p) {
            JsonNode n = p.path("numbers");
            if (n.isObject()) {
                return n.path("min").asText() + " … " + n.path("max").asText() + " (typ. "
                        + String.format(java.util.Locale.ROOT, "%.3g", n.path("typical").asDouble()) + ")";
            }
            JsonNode l = p.path("length");
            return l.isObject() ? l.path("min").asText() + "–" + l.path("max").asText() + " chars" : "";
        }

        private static String domain(JsonNode d) {
            if (!d.isObject()) {
                return "";
            }
            List<String> names = new ArrayList<>();
            d.properties().forEach(v -> names.add(v.getKey()));
            return DlqCommand.clip(String.join(", ", names));
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Forget what the flow learned (of one field with --field); it learns again from the next records it syncs.")
    static final class Reset extends Base implements Callable<Integer> {
        @Option(names = "--field", paramLabel = "F", description = "one field path, e.g. Totals.Total") String field;

        @Override
        public Integer call() {
            return run(field);
        }

        @Override
        JsonNode local(ProfileStore store) {
            var body = DlqCommand.JSON.createObjectNode().put("flow", flow);
            if (field != null) {
                body.put("field", field);
            }
            return body.put("fieldsReset", store.resetProfiles(flow, field));
        }

        @Override
        JsonNode remote(ApiClient api) {
            return api.delete("/profiles/" + DlqCommand.enc(flow) + (field == null ? "" : "?field=" + DlqCommand.enc(field)));
        }

        @Override
        void print(JsonNode body) {
            if (json) {
                TableOutput.json(out(), body);
                return;
            }
            out().println("flow " + body.path("flow").asText() + ": " + body.path("fieldsReset").asText()
                    + " field profile(s) forgotten" + (body.has("field") ? " (" + body.path("field").asText() + ")" : ""));
            out().flush();
        }
    }
}
