package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.salesforce.enrich.PricebookEntryEnricher;
import dev.tandem.salesforce.enrich.PersonAccountEnricher;
import dev.tandem.salesforce.enrich.RecordTypeEnricher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The flow files of a deployment: those shipped in the jar ({@code flows/} on the classpath, listed in
 * {@code flows/index.txt}), then those of {@code flows.dir}, which add flows or override a shipped one with the
 * same id; then {@code flows.enabled} from tandem.yaml switches flows on or off.
 */
public final class FlowRepository {

    /** What a load found: the flows that loaded, by id, and the problems of those that did not. */
    public record Loaded(Map<String, FlowSpec> flows, List<FlowProblem> problems) {
        public Loaded {
            flows = Map.copyOf(flows);
            problems = List.copyOf(problems);
        }
    }

    private static final String SHIPPED = "flows/";

    /**
     * What the connectors Tandem ships offer flows (both systems read and written, the Salesforce enrichers); for
     * {@code tandem flows validate} and previews without a running server.
     */
    public static FlowCatalog shippedCatalog() {
        return new FlowCatalog(Set.of("clarity", "salesforce"), Set.of("salesforce", "clarity"),
                Set.of(PricebookEntryEnricher.NAME, RecordTypeEnricher.NAME, PersonAccountEnricher.NAME,
                        dev.tandem.salesforce.duplicates.DuplicateMatchEnricher.NAME));
    }

    private final FlowLoader loader;
    private final Path dir;
    private final Map<String, Boolean> enabled;

    /** @param dir {@code flows.dir}, or null for the shipped flows only */
    public FlowRepository(FlowCatalog catalog, Path dir, Map<String, Boolean> enabled) {
        this.loader = new FlowLoader(catalog);
        this.dir = dir;
        this.enabled = Map.copyOf(enabled);
    }

    public Path dir() {
        return dir;
    }

    public Loaded load() {
        Map<String, FlowSpec> flows = new LinkedHashMap<>();
        List<FlowProblem> problems = new ArrayList<>();
        for (String name : shippedNames()) {
            String yaml = classpath(SHIPPED + name).orElseThrow(() ->
                    new IllegalStateException("shipped flow " + name + " is listed but not in the jar"));
            try {
                FlowSpec spec = loader.load("classpath:" + SHIPPED + name, yaml, f -> classpath(SHIPPED + f));
                flows.put(spec.id(), spec);
            } catch (FlowFileException e) {
                problems.addAll(e.problems());
            }
        }
        if (dir != null) {
            for (Path file : files(dir)) {
                try {
                    FlowSpec spec = loadFile(file);
                    flows.put(spec.id(), spec);
                } catch (FlowFileException e) {
                    problems.addAll(e.problems());
                }
            }
        }
        Map<String, FlowSpec> switched = new LinkedHashMap<>();
        flows.forEach((id, spec) -> switched.put(id, enabled.containsKey(id) ? spec.withEnabled(enabled.get(id)) : spec));
        for (String id : enabled.keySet()) {
            if (!flows.containsKey(id)) {
                problems.add(new FlowProblem("tandem.yaml", 0, 0, "flows.enabled names flow '" + id
                        + "', which no flow file defines (known: " + String.join(", ", flows.keySet()) + ")"));
            }
        }
        return new Loaded(switched, problems);
    }

    /** Loads one file from disk, with its mapping and lookup files beside it. */
    public FlowSpec loadFile(Path file) {
        String yaml = read(file).orElseThrow(() -> new FlowFileException(List.of(
                new FlowProblem(file.toString(), 0, 0, "cannot read the file"))));
        Path folder = file.toAbsolutePath().getParent();
        return loader.load(file.toString(), yaml, name -> {
            Path sibling = folder.resolve(name).normalize();
            // A flow may name files beside it or below, never elsewhere on the machine.
            return sibling.startsWith(folder) ? read(sibling) : Optional.empty();
        });
    }

    /**
     * Loads a flow file's text that is not on disk yet (the designer's save, checked before it is written) as if it
     * were {@code fileName} in {@code flows.dir}: the files it names are read from flows.dir, else from the shipped
     * flows (which a save copies beside it).
     */
    public FlowSpec loadText(String fileName, String yaml) {
        Path folder = dir == null ? null : dir.toAbsolutePath();
        return loader.load(fileName, yaml, name -> {
            if (folder != null) {
                Path sibling = folder.resolve(name).normalize();
                if (!sibling.startsWith(folder)) {
                    return Optional.empty();
                }
                Optional<String> text = read(sibling);
                if (text.isPresent()) {
                    return text;
                }
            }
            return shippedFile(name);
        });
    }

    /** A file of the shipped flows ({@code flows/} in the jar) by its name, e.g. a mapping; empty when none. */
    public static Optional<String> shippedFile(String name) {
        if (name.isEmpty() || name.contains("..") || name.startsWith("/") || name.contains("\\")) {
            return Optional.empty();
        }
        return classpath(SHIPPED + name);
    }

    /** The file names of the shipped flows, as listed in {@code flows/index.txt}. */
    public static List<String> shippedFlowFiles() {
        return shippedNames();
    }

    /** The *.yaml / *.yml files of a folder, sorted by name; a single file is itself. */
    public static List<Path> files(Path dirOrFile) {
        if (Files.isRegularFile(dirOrFile)) {
            return List.of(dirOrFile);
        }
        if (!Files.isDirectory(dirOrFile)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dirOrFile)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml"));
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> shippedNames() {
        return classpath(SHIPPED + "index.txt").map(t -> t.lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()).orElse(List.of());
    }

    /** A class-path resource's text (the shipped flow files), or empty. */
    static Optional<String> classpath(String resource) {
        try (InputStream in = FlowRepository.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A flow file's text, or empty when it is missing, not a file, unreadable or over the loader's size limit. */
    static Optional<String> read(Path file) {
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > FlowLoader.MAX_FILE_BYTES) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
