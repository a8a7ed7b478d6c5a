package dev.tandem.server.cli;

import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.server.api.ApiTokens;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.store.jdbc.JdbcStores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * {@code tandem tokens create|list|revoke}: the admin API's tokens, managed on the box in the store that
 * {@code --config} names (also while the server runs: SQLite admits other processes' writes, and the server reads
 * the token table on every request, so a revocation takes effect at once). The API offers the same as
 * {@code /api/v1/tokens} for an admin token; with {@code --url} these commands use it instead of the store.
 */
@Command(name = "tokens", mixinStandardHelpOptions = true,
        description = "Creates, lists and revokes admin API tokens in the store of --config.",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
public final class TokensCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The environment the config's {@code ${VAR}}s are read from (tests replace it). */
    static Function<String, String> environment = System::getenv;

    abstract static class Local extends CommandIo {

        @Option(names = "--config", paramLabel = "FILE", defaultValue = "tandem.yaml",
                description = "tandem.yaml of the server whose tokens these are (default ${DEFAULT-VALUE})")
        Path config;

        @Option(names = "--url", paramLabel = "URL",
                description = "manage the tokens of the Tandem at URL over its admin API instead (needs an admin token)")
        java.net.URI url;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "with --url: a file holding the admin token (default: $TANDEM_TOKEN)")
        Path tokenFile;

        JdbcStores open() {
            TandemConfig cfg = new ConfigLoader(environment).load(config);
            return JdbcStores.openSqlite(cfg.store().path());
        }

        /** The API client when {@code --url} was given. */
        java.util.Optional<ApiClient> remote() {
            return url == null ? java.util.Optional.empty()
                    : java.util.Optional.of(ApiClient.from(url, tokenFile, null, environment));
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a token and prints it, once: it is stored only as a hash.")
    static final class Create extends Local implements Callable<Integer> {

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "viewer (reads), operator (also retries, resolves, pauses) or admin (also tokens, rules, flows)")
        String role;

        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "who or what uses it (shown in the admin audit log), e.g. ci or alice")
        String name;

        @Override
        public Integer call() {
            Role parsed;
            try {
                parsed = Role.parse(role);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--role must be viewer, operator or admin, got '" + role + "'", e);
            }
            java.util.Optional<ApiClient> api = remote();
            if (api.isPresent()) {
                com.fasterxml.jackson.databind.JsonNode created = api.get().post("/tokens",
                        java.util.Map.of("name", name, "role", parsed.id()));
                out().println(created.path("token").asText());
                err().println("Created token " + created.path("id").asText() + " '" + name + "' (" + parsed.id()
                        + ") at " + url + ". It is shown only now; store it, e.g.: export "
                        + ApiClient.TOKEN_VARIABLE + "=<the token above>");
                out().flush();
                err().flush();
                return 0;
            }
            try (JdbcStores stores = open()) {
                ApiTokens.Issued issued = new ApiTokens(stores.apiTokens(), Clock.systemUTC()).create(name, parsed);
                out().println(issued.secret());
                err().println("Created token " + issued.token().id() + " '" + name + "' (" + parsed.id()
                        + "). It is shown only now; store it, e.g.: export " + ApiClient.TOKEN_VARIABLE + "=<the token above>");
                out().flush();
                err().flush();
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tokens (never their secrets).")
    static final class ListTokens extends Local implements Callable<Integer> {

        @Override
        public Integer call() {
            java.util.Optional<ApiClient> api = remote();
            if (api.isPresent()) {
                List<List<String>> rows = new java.util.ArrayList<>();
                api.get().get("/tokens").path("items").forEach(t -> rows.add(List.of(TableOutput.text(t, "id"),
                        TableOutput.text(t, "name"), TableOutput.text(t, "role"), TableOutput.text(t, "createdAt"),
                        TableOutput.text(t, "lastUsedAt"), t.path("active").asBoolean() ? "active"
                                : "revoked " + TableOutput.text(t, "revokedAt"))));
                TableOutput.table(out(), List.of("ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATE"), rows);
                return 0;
            }
            try (JdbcStores stores = open()) {
                List<List<String>> rows = stores.apiTokens().list().stream().map(t -> List.of(
                        Long.toString(t.id()), t.name(), t.role(), t.createdAt().toString(), text(t.lastUsedAt()),
                        t.active() ? "active" : "revoked " + t.revokedAt())).toList();
                TableOutput.table(out(), List.of("ID", "NAME", "ROLE", "CREATED", "LAST USED", "STATE"), rows);
            }
            return 0;
        }

        private static String text(Instant instant) {
            return instant == null ? "" : instant.toString();
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revokes a token by id or name: refused from its next request on.")
    static final class Revoke extends Local implements Callable<Integer> {

        @Parameters(paramLabel = "ID|NAME", description = "the token's id, or the name of an active token")
        String token;

        @Override
        public Integer call() {
            java.util.Optional<ApiClient> api = remote();
            if (api.isPresent()) {
                String id = token;
                if (!token.chars().allMatch(Character::isDigit)) {
                    com.fasterxml.jackson.databind.JsonNode match = null;
                    for (com.fasterxml.jackson.databind.JsonNode t : api.get().get("/tokens").path("items")) {
                        if (t.path("active").asBoolean() && t.path("name").asText().equals(token)) {
                            match = t;
                        }
                    }
                    if (match == null) {
                        err().println("tandem: no token with id or active name '" + token + "'");
                        return 1;
                    }
                    id = match.path("id").asText();
                }
                com.fasterxml.jackson.databind.JsonNode revoked = api.get().delete("/tokens/" + id);
                out().println("Revoked token " + revoked.path("id").asText() + " '" + revoked.path("name").asText()
                        + "' (" + revoked.path("role").asText() + ")");
                return 0;
            }
            try (JdbcStores stores = open()) {
                ApiTokens tokens = new ApiTokens(stores.apiTokens(), Clock.systemUTC());
                ApiToken t = tokens.find(token).orElse(null);
                if (t == null) {
                    err().println("tandem: no token with id or active name '" + token + "'");
                    return 1;
                }
                if (!t.active()) {
                    out().println("Token " + t.id() + " '" + t.name() + "' was already revoked at " + t.revokedAt());
                    return 0;
                }
                stores.apiTokens().revoke(t.id(), Instant.now());
                out().println("Revoked token " + t.id() + " '" + t.name() + "' (" + t.role() + ")");
            }
            return 0;
        }
    }
}
