package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowLoader;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.model.ChoiceStep;
import dev.tandem.core.flow.model.StepDefinition;
import dev.tandem.core.flow.model.TransformStep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The files behind a loaded flow — its YAML and the files it names (mapping, example, lookup tables), from the jar
 * ({@code classpath:flows/…}) or from {@code flows.dir} — so a mapping can be tried with other text
 * ({@link #withMapping}: the flow compiled exactly as the loader compiles it, for {@code tandem map preview} and the
 * console's mapping canvas) and written back ({@link #writeMapping}) where the flow reloader picks it up.
 */
public final class FlowFiles {

    private static final String CLASSPATH = "classpath:";

    private FlowFiles() {
    }

    /** The mapping file of the flow's first {@code transform} step (branches of a choice too), or empty. */
    public static Optional<String> mappingName(FlowSpec spec) {
        return firstMapping(spec.definition().steps());
    }

    private static Optional<String> firstMapping(List<StepDefinition> steps) {
        for (StepDefinition s : steps) {
            if (s instanceof TransformStep t) {
                return Optional.of(t.mapping());
            }
            if (s instanceof ChoiceStep c) {
                for (ChoiceStep.When w : c.when()) {
                    Optional<String> m = firstMapping(w.steps());
                    if (m.isPresent()) {
                        return m;
                    }
                }
                Optional<String> m = firstMapping(c.otherwise());
                if (m.isPresent()) {
                    return m;
                }
            }
        }
        return Optional.empty();
    }

    /** Whether the flow comes from the jar (a shipped flow not overridden in {@code flows.dir}). */
    public static boolean shipped(FlowSpec spec) {
        return spec.file().startsWith(CLASSPATH);
    }

    /** The flow file's YAML text. */
    public static String yaml(FlowSpec spec) {
        if (shipped(spec)) {
            return FlowRepository.classpath(spec.file().substring(CLASSPATH.length()))
                    .orElseThrow(() -> new IllegalStateException(spec.file() + " is no longer in the jar"));
        }
        return FlowRepository.read(Path.of(spec.file())).orElseThrow(() -> new FlowFileException(List.of(
                new FlowProblem(spec.file(), 0, 0, "cannot read the flow file"))));
    }

    /** A file the flow names, relative to its flow file (never outside that folder). */
    public static Optional<String> sibling(FlowSpec spec, String name) {
        if (shipped(spec)) {
            String file = spec.file().substring(CLASSPATH.length());
            String folder = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
            Path normal = Path.of(folder + name).normalize();
            return normal.startsWith(Path.of(folder).normalize()) ? FlowRepository.classpath(normal.toString().replace('\\', '/'))
                    : Optional.empty();
        }
        Path folder = Path.of(spec.file()).toAbsolutePath().getParent();
        Path sibling = folder.resolve(name).normalize();
        return sibling.startsWith(folder) ? FlowRepository.read(sibling) : Optional.empty();
    }

    /**
     * The flow compiled with {@code mappingText} in place of its mapping file, every check of the loader included
     * ({@code tandem flows validate}); a JSONata error is a {@link FlowFileException} with line and column.
     */
    public static FlowSpec withMapping(FlowCatalog catalog, FlowSpec spec, String mappingText) {
        String name = mappingName(spec).orElseThrow(() -> new FlowFileException(List.of(
                new FlowProblem(spec.file(), 0, 0, "flow " + spec.id() + " has no transform step, so no mapping"))));
        return new FlowLoader(catalog).load(spec.file(), yaml(spec),
                f -> f.equals(name) ? Optional.of(mappingText) : sibling(spec, f));
    }

    /**
     * Writes the mapping into {@code flowsDir} atomically (a temporary file moved over the old one). A shipped
     * flow is copied there first — its YAML and every file it names — so the copy overrides the shipped one by id
     * (FlowRepository) and holds the new mapping. The flow is validated with the new text before anything is
     * written; returns the flow as it will load from its new file.
     */
    public static FlowSpec writeMapping(FlowCatalog catalog, FlowSpec spec, String mappingText, Path flowsDir) {
        String name = mappingName(spec).orElseThrow(() -> new FlowFileException(List.of(
                new FlowProblem(spec.file(), 0, 0, "flow " + spec.id() + " has no transform step, so no mapping"))));
        return writeFile(catalog, spec, name, mappingText, flowsDir);
    }

    /**
     * The flow compiled with {@code text} in place of the file {@code name} it names (a mapping or a lookup table),
     * every check of the loader included ({@code tandem flows validate}).
     */
    public static FlowSpec withFile(FlowCatalog catalog, FlowSpec spec, String name, String text) {
        return new FlowLoader(catalog).load(spec.file(), yaml(spec),
                f -> f.equals(name) ? Optional.of(text) : sibling(spec, f));
    }

    /**
     * Writes one file the flow names (its mapping, a lookup table) as {@link #writeMapping} does: validated with the
     * new text first, a shipped flow copied into {@code flowsDir} with every file it names, each file moved into
     * place atomically. Returns the flow as it will load from its new file.
     */
    public static FlowSpec writeFile(FlowCatalog catalog, FlowSpec spec, String name, String text, Path flowsDir) {
        FlowSpec checked = withFile(catalog, spec, name, text);
        String mappingText = text;
        Path folder;
        Map<String, String> files = new LinkedHashMap<>();
        if (shipped(spec)) {
            folder = flowsDir.toAbsolutePath().normalize();
            String yamlName = Path.of(spec.file().substring(CLASSPATH.length())).getFileName().toString();
            Map<String, String> named = new LinkedHashMap<>();
            Function<String, Optional<String>> recording = f -> {
                Optional<String> read = f.equals(name) ? Optional.of(mappingText) : sibling(spec, f);
                read.ifPresent(t -> named.put(f, t));
                return read;
            };
            new FlowLoader(catalog).load(spec.file(), yaml(spec), recording);
            named.forEach((f, t) -> {
                if (!f.equals(name) && !Files.exists(folder.resolve(f))) {
                    files.put(f, t);
                }
            });
            files.put(name, mappingText);
            files.put(yamlName, yaml(spec));
        } else {
            folder = Path.of(spec.file()).toAbsolutePath().getParent();
            files.put(name, mappingText);
        }
        try {
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path target = folder.resolve(f.getKey()).normalize();
                if (!target.startsWith(folder)) {
                    throw new IllegalStateException("the flow names a file outside its folder: " + f.getKey());
                }
                Files.createDirectories(target.getParent());
                Path tmp = Files.createTempFile(target.getParent(), ".tandem-", ".tmp");
                Files.writeString(tmp, f.getValue(), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + name + " into " + folder + ": " + e.getMessage(), e);
        }
        return checked;
    }
}
