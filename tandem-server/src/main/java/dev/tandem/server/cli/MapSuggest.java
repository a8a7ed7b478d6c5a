package dev.tandem.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;
import dev.tandem.mapping.ai.ExpressionProposer;
import dev.tandem.mapping.ai.FieldTokens;
import dev.tandem.mapping.ai.MappingFile;
import dev.tandem.mapping.ai.SourceField;
import dev.tandem.mapping.ai.SuggestInputException;
import dev.tandem.mapping.ai.Suggester;
import dev.tandem.mapping.ai.Suggestion;
import dev.tandem.mapping.ai.TargetField;
import dev.tandem.mapping.ai.TargetObject;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.store.jdbc.JdbcStores;
import dev.tandem.store.jdbc.StoreException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * {@code tandem map suggest}: ranks the writable fields of a Salesforce object for every field of sample source
 * records, with a calibrated score, the reasons and a JSONata expression (tandem-mapping-ai, docs/ai-mapping.md);
 * everything runs in this process, nothing is sent anywhere (a live describe with {@code --target-object} is the one
 * call, to the configured org). {@code --accept}/{@code --reject} and {@code --write-mapping} are remembered per
 * source system and object in the state store of {@code --config} (V28) and move later scores. Exit 0 done, 1 the
 * org could not be read, 2 bad input.
 */
@Command(name = "suggest", mixinStandardHelpOptions = true,
        description = "Suggests target fields for every field of sample records (JSON array), ranked and explained; offline.")
final class MapSuggest extends CommandIo implements Callable<Integer> {

    static final int USAGE = 2;
    /** The largest input file read: sample records are a few hundred records, a describe a few hundred KB. */
    static final long MAX_FILE_BYTES = 10L * 1024 * 1024;
    private static final Pattern DECISION = Pattern.compile("(.{1,1000})=([A-Za-z][A-Za-z0-9_]{0,79})");
    private static final Pattern SYSTEM = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");

    /** The environment the config's {@code ${VAR}}s are read from (tests replace it). */
    static Function<String, String> environment = System::getenv;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--records", required = true, paramLabel = "SAMPLES.json", description = "sample source records: a JSON array of objects (any shape)")
    Path records;
    @Option(names = "--target", paramLabel = "DESCRIBE.json", description = "the target's sObject describe (GET /sobjects/{SObject}/describe)")
    Path target;
    @Option(names = "--target-object", paramLabel = "SOBJECT", description = "instead of --target: describe this object in the org of --config")
    String targetObject;
    @Option(names = "--config", paramLabel = "FILE", description = "tandem.yaml: the org for --target-object and the state store that remembers decisions (default: ./tandem.yaml when it exists)")
    Path config;
    @Option(names = "--source-system", paramLabel = "NAME", defaultValue = "default",
            description = "the system the samples come from (decisions are remembered per source system and object; default ${DEFAULT-VALUE})")
    String sourceSystem;
    @Option(names = "--top", paramLabel = "K", defaultValue = "3", description = "suggestions per source field (default ${DEFAULT-VALUE})")
    int top;
    @Option(names = "--threshold", paramLabel = "SCORE", defaultValue = "0.5", description = "the score a suggestion needs to be written by --write-mapping (default ${DEFAULT-VALUE})")
    double threshold;
    @Option(names = "--json", description = "print JSON: {\"<source path>\": [{target, score, expression, reasons}, ...]}")
    boolean json;
    @Option(names = "--write-mapping", paramLabel = "FILE.jsonata", description = "write the suggestions at or above --threshold as a flow mapping (merged into FILE when it exists; your entries win); counts as accepting them")
    Path writeMapping;
    @Option(names = "--key-field", paramLabel = "FIELD", description = "with --write-mapping: the external id the record is upserted by (default: the object's first writable external id field)")
    String keyField;
    @Option(names = "--key", paramLabel = "EXPR", description = "with --write-mapping: the JSONata expression of the key (default: the source field suggested for --key-field, else a top-level id)")
    String key;
    @Option(names = "--accept", paramLabel = "PATH=FIELD", description = "remember that PATH maps to FIELD (raises it in later runs)")
    List<String> accepts = new ArrayList<>();
    @Option(names = "--reject", paramLabel = "PATH=FIELD", description = "remember that PATH does not map to FIELD (lowers it)")
    List<String> rejects = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            return run();
        } catch (SuggestInputException e) {
            err().println("tandem map suggest: " + e.getMessage());
            return USAGE;
        }
    }

    private int run() {
        if ((target == null) == (targetObject == null)) {
            throw new SuggestInputException("give the target as --target DESCRIBE.json or --target-object SOBJECT (one of them)");
        }
        if (!SYSTEM.matcher(sourceSystem).matches()) {
            throw new SuggestInputException("--source-system '" + DlqCommand.clip(sourceSystem)
                    + "' is not a name (lower-case letters, digits, - and _, up to 40)");
        }
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new SuggestInputException("--threshold must be a score between 0 and 1, got " + threshold);
        }
        Suggester.Options options = new Suggester.Options(top, 0.05);
        List<Decision> given = new ArrayList<>();
        long now = System.currentTimeMillis();
        JsonNode samples = readJson(records, "--records");
        TandemConfig cfg = loadConfig();
        TargetObject describe = target != null ? TargetObject.fromDescribe(readJson(target, "--target")) : liveDescribe(cfg);
        for (String a : accepts) {
            given.add(decision(a, "--accept", describe, true, now));
        }
        for (String r : rejects) {
            given.add(decision(r, "--reject", describe, false, now));
        }
        Optional<JdbcStores> stores = openStore(cfg, !given.isEmpty());
        try {
            MappingDecisionStore decisions = stores.map(s -> (MappingDecisionStore) s.stateStore())
                    .orElseGet(MappingDecisionStore::memory);
            decisions.recordDecisions(given);
            Suggester suggester = Suggester.load();
            Suggester.Result result = suggester.suggest(samples, describe, options,
                    decisions.decisions(sourceSystem, describe.name()));
            if (json) {
                TableOutput.json(out(), toJson(result.bySource()));
            } else {
                printTable(result, describe);
            }
            if (writeMapping != null) {
                List<Decision> written = writeMapping(samples, describe, result, now);
                decisions.recordDecisions(written);
            }
            if (!given.isEmpty()) {
                err().println("remembered " + given.size() + " decision(s) for " + sourceSystem + " → " + describe.name());
            }
            out().flush();
            err().flush();
            return 0;
        } finally {
            stores.ifPresent(JdbcStores::close);
        }
    }

    private TandemConfig loadConfig() {
        Path file = config != null ? config : Path.of("tandem.yaml");
        if (config == null && !Files.isRegularFile(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw new SuggestInputException("--config " + file + " is not a readable file");
        }
        try {
            return new ConfigLoader(environment).load(file);
        } catch (dev.tandem.core.config.ConfigException e) {
            throw new SuggestInputException(file + ": " + e.getMessage());
        }
    }

    /** The state store of the config, to remember decisions; empty without a config or when a running server holds it. */
    private Optional<JdbcStores> openStore(TandemConfig cfg, boolean needed) {
        if (cfg == null) {
            if (needed || writeMapping != null) {
                if (needed) {
                    throw new SuggestInputException("--accept and --reject are remembered in the state store: give --config tandem.yaml");
                }
                err().println("note: no --config, so the written suggestions are not remembered as accepted");
            }
            return Optional.empty();
        }
        try {
            Path path = cfg.store().path();
            Files.createDirectories(path.toAbsolutePath().getParent());
            return Optional.of(JdbcStores.openSqlite(path));
        } catch (StoreException | IOException e) {
            if (needed) {
                throw new SuggestInputException("cannot remember decisions: the state store " + cfg.store().path()
                        + " cannot be opened (" + e.getMessage() + "); stop the Tandem that holds it, or leave out --accept/--reject");
            }
            err().println("note: the state store cannot be opened (" + e.getMessage() + "): earlier decisions are not used");
            return Optional.empty();
        }
    }

    private TargetObject liveDescribe(TandemConfig cfg) {
        if (cfg == null) {
            throw new SuggestInputException("--target-object needs --config tandem.yaml (the org to describe)");
        }
        if (!Pattern.matches("[A-Za-z][A-Za-z0-9_]{0,79}", targetObject)) {
            throw new SuggestInputException("--target-object '" + DlqCommand.clip(targetObject) + "' is not an sObject API name");
        }
        TandemConfig.Salesforce sf = cfg.salesforce();
        SalesforceConfig sfConfig = new SalesforceConfig(sf.tokenUrl(), sf.clientId(), sf.clientSecret(), sf.apiVersion(),
                sf.callOptionsClient(), sf.requestTimeout()).withAuth(sf.auth());
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
            SalesforceRestClient salesforce = new SalesforceRestClient(sfConfig,
                    AccessTokenProviders.forConfig(sfConfig, http), http, new SimpleMeterRegistry());
            return TargetObject.fromDescribe(salesforce.describe(targetObject));
        } catch (IntegrationException e) {
            throw new DescribeFailed("cannot describe " + targetObject + " in the org of " + config + ": " + e.getMessage());
        }
    }

    /** The org did not answer the describe: exit 1 (not the input's fault). */
    static final class DescribeFailed extends RuntimeException {
        DescribeFailed(String message) {
            super(message);
        }
    }

    private Decision decision(String spec, String option, TargetObject describe, boolean accepted, long now) {
        var m = DECISION.matcher(spec);
        if (!m.matches() || spec.chars().anyMatch(Character::isISOControl)) {
            throw new SuggestInputException(option + " takes PATH=FIELD (a source path and a target field API name), got '"
                    + DlqCommand.clip(spec) + "'");
        }
        if (describe.field(m.group(2)).isEmpty()) {
            throw new SuggestInputException(option + " " + DlqCommand.clip(spec) + ": " + describe.name() + " has no field " + m.group(2));
        }
        return new Decision(sourceSystem, describe.name(), m.group(1), m.group(2), accepted, now);
    }

    static JsonNode readJson(Path file, String option) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new SuggestInputException(option + " " + file + " is not a readable file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new SuggestInputException(option + " " + file + " has " + size + " bytes; at most " + MAX_FILE_BYTES
                        + " (10 MiB) are read — a few hundred sample records are enough");
            }
            ObjectMapper mapper = new ObjectMapper();
            mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
            return mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new SuggestInputException(option + " " + file + " is not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        } catch (java.nio.charset.MalformedInputException e) {
            throw new SuggestInputException(option + " " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new SuggestInputException(option + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    static ObjectNode toJson(Map<String, List<Suggestion>> bySource) {
        ObjectNode out = JSON.createObjectNode();
        bySource.forEach((path, list) -> {
            ArrayNode a = out.putArray(path);
            for (Suggestion s : list) {
                ObjectNode o = a.addObject();
                o.put("target", s.target());
                o.put("score", s.score());
                o.put("expression", s.expression());
                ArrayNode r = o.putArray("reasons");
                s.reasons().forEach(r::add);
            }
        });
        return out;
    }

    private void printTable(Suggester.Result result, TargetObject describe) {
        List<List<String>> rows = new ArrayList<>();
        for (SourceField f : result.sources()) {
            List<Suggestion> list = result.bySource().get(f.path());
            if (list == null) {
                rows.add(List.of(f.path(), "—", "", "no suggestion", ""));
                continue;
            }
            for (int i = 0; i < list.size(); i++) {
                Suggestion s = list.get(i);
                rows.add(List.of(i == 0 ? f.path() : "·", s.target(), String.format(Locale.ROOT, "%.2f", s.score()),
                        DlqCommand.clip(s.expression()), String.join("; ", s.reasons())));
            }
        }
        out().println("# " + result.sources().size() + " source fields → " + describe.name() + " ("
                + (describe.fields().size() - result.excludedTargets().size()) + " writable fields of " + describe.fields().size()
                + "); a score ≥ 0.5 is more likely right than wrong");
        TableOutput.table(out(), List.of("SOURCE", "TARGET", "SCORE", "EXPRESSION", "REASONS"), rows);
    }

    private List<Decision> writeMapping(JsonNode samples, TargetObject describe, Suggester.Result result, long now) {
        List<MappingFile.Entry> accepted = new ArrayList<>();
        result.bySource().forEach((path, list) -> {
            Suggestion best = list.getFirst();
            if (best.score() >= threshold) {
                accepted.add(new MappingFile.Entry(best.target(), best.expression(), path, best.score()));
            }
        });
        accepted.sort((a, b) -> Double.compare(b.score(), a.score()));
        Optional<String> existing = Optional.empty();
        if (Files.exists(writeMapping)) {
            try {
                if (Files.size(writeMapping) > MAX_FILE_BYTES) {
                    throw new SuggestInputException(writeMapping + " is larger than 10 MiB");
                }
                existing = Optional.of(Files.readString(writeMapping));
            } catch (IOException e) {
                throw new SuggestInputException(writeMapping + " cannot be read: " + e.getMessage());
            }
        }
        String keyFieldName = keyField != null ? keyField : describe.fields().stream()
                .filter(f -> f.externalId() && (f.createable() || f.updateable())).map(TargetField::name).findFirst()
                .orElseThrow(() -> new SuggestInputException(describe.name()
                        + " has no writable external id field to upsert by; give --key-field FIELD"));
        if (describe.field(keyFieldName).isEmpty()) {
            throw new SuggestInputException("--key-field " + DlqCommand.clip(keyFieldName) + ": " + describe.name() + " has no such field");
        }
        String keyExpression = key != null ? key : accepted.stream().filter(e -> e.target().equals(keyFieldName))
                .map(MappingFile.Entry::expression).findFirst()
                .or(() -> result.sources().stream().filter(f -> f.parents().isEmpty()
                                && FieldTokens.split(f.leaf()).equals(List.of("id")))
                        .map(f -> "$string(" + ExpressionProposer.path(f.segments()) + ")").findFirst())
                .orElseThrow(() -> new SuggestInputException("no source field is suggested for the key " + keyFieldName
                        + " and the records have no top-level id; give --key EXPR"));
        String header = "tandem map suggest: " + describe.name() + " from " + sourceSystem + " sample records ("
                + records.getFileName() + "), " + LocalDate.now() + ", threshold " + threshold;
        MappingFile.Written written = MappingFile.write(existing, writeMapping.toString(), describe.name(), keyFieldName,
                keyExpression, header, accepted, samples);
        try {
            Path parent = writeMapping.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, ".suggest", ".jsonata");
            Files.writeString(tmp, written.text());
            Files.move(tmp, writeMapping, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SuggestInputException(writeMapping + " cannot be written: " + e.getMessage());
        }
        err().println("wrote " + writeMapping + ": " + written.added().size() + " suggestion(s) at or above " + threshold
                + (written.kept().isEmpty() ? "" : "; kept " + written.kept().size() + " field(s) written by you: "
                + String.join(", ", written.kept())));
        List<Decision> decisions = new ArrayList<>();
        for (MappingFile.Entry e : written.added()) {
            decisions.add(new Decision(sourceSystem, describe.name(), e.source(), e.target(), true, now));
        }
        return decisions;
    }
}
