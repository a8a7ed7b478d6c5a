package dev.tandem.mapping.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Semantic similarity: the cosine of two sentence embeddings from all-MiniLM-L6-v2 (quantised), run in this process
 * by ONNX Runtime through LangChain4j's in-process embedding model
 * (https://docs.langchain4j.dev/integrations/embedding-models/in-process). The model file is inside the Maven jar:
 * nothing is downloaded and nothing leaves the machine. The source text is the field's path in words and up to three
 * sample values; the target text is its name in words and its label. Texts are embedded once per run (targets once
 * per object) and cached.
 */
public final class EmbeddingSignal {

    private static volatile EmbeddingModel shared;

    private final EmbeddingModel model;
    private final Map<String, float[]> cache = new HashMap<>();

    public EmbeddingSignal(EmbeddingModel model) {
        this.model = model;
    }

    /**
     * The model of this process, loaded on first use (under a second, and some 150 MB of native memory). Before the
     * first load, DJL (whose HuggingFace tokenizer the model uses) is put in offline mode with its telemetry off:
     * otherwise it asks the EC2 instance-metadata endpoint who the machine is and, on EC2, calls home
     * (https://docs.djl.ai/master/docs/telemetry.html). An operator's own setting of these properties is kept.
     */
    public static EmbeddingSignal load() {
        EmbeddingModel m = shared;
        if (m == null) {
            synchronized (EmbeddingSignal.class) {
                if (shared == null) {
                    offline();
                    shared = new AllMiniLmL6V2QuantizedEmbeddingModel();
                }
                m = shared;
            }
        }
        return new EmbeddingSignal(m);
    }

    /** DJL's switches: no telemetry ({@code OPT_OUT_TRACKING}), no downloads ({@code ai.djl.offline}). */
    static void offline() {
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    public static String sourceText(SourceField f) {
        String path = f.segments().stream().map(s -> FieldTokens.phrase(s.replace("[]", ""))).collect(Collectors.joining(" "));
        List<String> values = new ArrayList<>();
        for (var v : f.samples()) {
            String s = v.asText();
            if (!s.isBlank() && s.length() <= 40 && !values.contains(s)) {
                values.add(s);
            }
            if (values.size() == 3) {
                break;
            }
        }
        return values.isEmpty() ? path : path + ": " + String.join(", ", values);
    }

    public static String targetText(TargetField f) {
        String words = FieldTokens.phrase(f.name());
        String label = f.label().trim();
        return label.equalsIgnoreCase(words) ? label : words + " (" + label + ")";
    }

    /** Embeds every text not embedded yet, in one batch. */
    public void prepare(List<String> texts) {
        List<String> missing = texts.stream().distinct().filter(t -> !cache.containsKey(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        List<Embedding> embeddings = model.embedAll(missing.stream().map(TextSegment::from).toList()).content();
        for (int i = 0; i < missing.size(); i++) {
            cache.put(missing.get(i), embeddings.get(i).vector());
        }
    }

    /** The cosine similarity of two texts, clamped to [0, 1]. */
    public double score(String a, String b) {
        prepare(List.of(a, b));
        return Math.max(0, cosine(cache.get(a), cache.get(b)));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
