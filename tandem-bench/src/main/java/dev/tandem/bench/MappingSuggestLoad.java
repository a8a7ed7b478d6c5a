package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.mapping.ai.EmbeddingSignal;
import dev.tandem.mapping.ai.SourceFields;
import dev.tandem.mapping.ai.Suggester;
import dev.tandem.mapping.ai.TargetObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Issue 13 item 8: the time of one suggestion run for a 60 × 60 object pair (60 source leaf fields of 50 sample
 * records, a target with 60 writable fields) after start-up, with start-up (loading the ONNX model and the
 * tokenizer, the first embedding) and the model's memory stated separately. Each measured run builds a new
 * {@link Suggester} over the loaded model, so nothing of the previous run's embeddings is reused: every run embeds
 * its 60 + 60 texts again. Resources: {@code suggest/records-60.json}, {@code suggest/target-60.json}.
 */
public final class MappingSuggestLoad {

    private MappingSuggestLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("MappingSuggestLoad")
                .declare("runs", "30", "measured suggestion runs")
                .declare("warmup-runs", "5", "unrecorded runs after start-up (JIT)");
        if (!options.parse(args)) {
            return;
        }
        System.out.println("MappingSuggestLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        ObjectMapper json = new ObjectMapper();
        JsonNode records = resource(json, "suggest/records-60.json");
        TargetObject target = TargetObject.fromDescribe(resource(json, "suggest/target-60.json"));
        int sources = SourceFields.collect(records).size();
        int writable = Suggester.writable(target).size();
        System.out.printf("pair: %d source fields (%d records) x %d writable target fields (%d in the describe)%n",
                sources, records.size(), writable, target.fields().size());

        long heapBefore = usedHeapAfterGc();
        long rssBefore = rssKib();
        long t0 = System.nanoTime();
        EmbeddingSignal model = EmbeddingSignal.load();
        model.prepare(List.of("warm up the model"));
        long startUp = System.nanoTime() - t0;
        long heapAfter = usedHeapAfterGc();
        long rssAfter = rssKib();
        System.out.printf("start-up (model and tokenizer load, first embedding): %.0f ms; heap +%.1f MiB, resident +%.1f MiB "
                        + "(the JVM's own growth in the same window included)%n",
                startUp / 1e6, (heapAfter - heapBefore) / 1048576.0, (rssAfter - rssBefore) / 1024.0);

        long t1 = System.nanoTime();
        Suggester.load().suggest(records, target, Suggester.Options.defaults(), List.of());
        System.out.printf("first run after start-up: %.0f ms%n", (System.nanoTime() - t1) / 1e6);
        for (int i = 0; i < options.longValue("warmup-runs"); i++) {
            Suggester.load().suggest(records, target, Suggester.Options.defaults(), List.of());
        }
        Histogram ms = new Histogram(3);
        int suggested = 0;
        long runs = options.longValue("runs");
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            Suggester.Result r = Suggester.load().suggest(records, target, Suggester.Options.defaults(), List.of());
            ms.recordValue(Math.max(1, (System.nanoTime() - s) / 1_000));
            suggested = r.bySource().size();
        }
        System.out.printf("per 60 x 60 pair (%d runs, fresh embeddings each): median %.0f ms, p95 %.0f ms, max %.0f ms; "
                        + "%d of %d source fields got a suggestion above the floor%n",
                runs, ms.getValueAtPercentile(50) / 1e3, ms.getValueAtPercentile(95) / 1e3, ms.getMaxValue() / 1e3,
                suggested, sources);
        System.out.println("end: " + Machine.describe() + "; load average " + Machine.loadAverage());
    }

    private static JsonNode resource(ObjectMapper json, String name) throws IOException {
        try (InputStream in = MappingSuggestLoad.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name);
            }
            return json.readTree(in);
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The process's resident set (VmRSS of /proc/self/status, Linux); 0 elsewhere. */
    private static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
