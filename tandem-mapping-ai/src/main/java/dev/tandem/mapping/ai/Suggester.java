package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Ranks the writable fields of a target object for every leaf path of sample source records (docs/ai-mapping.md).
 * Per (source field, target field): the {@link NameSignal}, the {@link EmbeddingSignal}, the {@link ValueSignal} of
 * the samples' {@link ValueProfile}, the {@link StructureSignal}; only {@link Writability writable} targets; the
 * signals combined by the fitted {@link Calibration}; then what a person decided before (accepted: raised, rejected:
 * lowered) and the {@link ExpressionProposer expression}. Everything runs in this process; nothing is sent anywhere.
 */
public final class Suggester {

    /** Logit added for a pair a person accepted before, taken off for a pair they rejected, and for the other targets of an accepted path. */
    static final double ACCEPTED = 4.0;
    static final double REJECTED = 6.0;
    static final double OTHER_THAN_ACCEPTED = 2.0;

    /** How many suggestions per source path, and the score below which a suggestion is not shown. */
    public record Options(int top, double floor) {
        public Options {
            if (top < 1 || top > 50) {
                throw new SuggestInputException("--top must be between 1 and 50, got " + top);
            }
            if (!(floor >= 0 && floor <= 1)) {
                throw new SuggestInputException("the floor must be a score between 0 and 1, got " + floor);
            }
        }

        public static Options defaults() {
            return new Options(3, 0.05);
        }
    }

    /** The signals of one pair, before calibration (for fitting and for the reasons). */
    public record Candidate(SourceField source, TargetField target, double[] features) {
    }

    /** Suggestions by source path (in the records' order; paths with none above the floor left out), and the fields read. */
    public record Result(Map<String, List<Suggestion>> bySource, List<SourceField> sources, List<String> excludedTargets) {
    }

    private final EmbeddingSignal embedding;
    private final Calibration calibration;

    public Suggester(EmbeddingSignal embedding, Calibration calibration) {
        this.embedding = embedding;
        this.calibration = calibration;
    }

    /** With the in-process model and the shipped calibration. */
    public static Suggester load() {
        return new Suggester(EmbeddingSignal.load(), Calibration.shipped());
    }

    public Result suggest(JsonNode records, TargetObject target, Options options, List<Decision> decisions) {
        List<SourceField> sources = SourceFields.collect(records);
        List<TargetField> writable = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (TargetField f : target.fields()) {
            Optional<String> why = Writability.excluded(f);
            if (why.isPresent()) {
                excluded.add(f.name() + ": " + why.get());
            } else {
                writable.add(f);
            }
        }
        Map<String, Map<String, Boolean>> decided = new HashMap<>();
        for (Decision d : decisions) {
            decided.computeIfAbsent(d.sourcePath(), k -> new HashMap<>()).put(d.targetField(), d.accepted());
        }
        Map<String, List<Suggestion>> out = new LinkedHashMap<>();
        Map<String, List<Candidate>> all = candidates(sources, writable);
        for (SourceField s : sources) {
            ValueProfile profile = ValueProfile.of(s.samples());
            Map<String, Boolean> mine = decided.getOrDefault(s.path(), Map.of());
            boolean anyAccepted = mine.containsValue(true);
            List<Suggestion> ranked = new ArrayList<>();
            for (Candidate c : all.get(s.path())) {
                double z = calibration.logit(c.features());
                List<String> reasons = reasons(c, profile);
                Boolean before = mine.get(c.target().name());
                if (Boolean.TRUE.equals(before)) {
                    z += ACCEPTED;
                    reasons.addFirst("accepted before");
                } else if (Boolean.FALSE.equals(before)) {
                    z -= REJECTED;
                    reasons.addFirst("rejected before");
                } else if (anyAccepted) {
                    z -= OTHER_THAN_ACCEPTED;
                    reasons.add("another target was accepted before for this field");
                }
                double score = Calibration.sigmoid(z);
                if (score < options.floor()) {
                    continue;
                }
                ExpressionProposer.Proposal proposal = ExpressionProposer.propose(s, profile, c.target(), sources);
                proposal.transform().ifPresent(t -> reasons.add("transform: " + t));
                ranked.add(new Suggestion(c.target().name(), round(score), proposal.expression(), reasons));
            }
            ranked.sort(Comparator.comparingDouble(Suggestion::score).reversed().thenComparing(Suggestion::target));
            if (!ranked.isEmpty()) {
                out.put(s.path(), List.copyOf(ranked.subList(0, Math.min(options.top(), ranked.size()))));
            }
        }
        return new Result(out, sources, excluded);
    }

    /** Every (source, writable target) pair with its features, by source path. */
    public Map<String, List<Candidate>> candidates(List<SourceField> sources, List<TargetField> writable) {
        List<String> texts = new ArrayList<>();
        sources.forEach(s -> texts.add(EmbeddingSignal.sourceText(s)));
        writable.forEach(t -> texts.add(EmbeddingSignal.targetText(t)));
        embedding.prepare(texts);
        Map<String, List<Candidate>> out = new LinkedHashMap<>();
        for (SourceField s : sources) {
            ValueProfile profile = ValueProfile.of(s.samples());
            String sourceText = EmbeddingSignal.sourceText(s);
            int n = writable.size();
            double[] name = new double[n];
            double[] embed = new double[n];
            for (int i = 0; i < n; i++) {
                name[i] = NameSignal.score(s, writable.get(i));
                embed[i] = embedding.score(sourceText, EmbeddingSignal.targetText(writable.get(i)));
            }
            List<Candidate> list = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                TargetField t = writable.get(i);
                double[] x = {name[i], NameSignal.exact(s, t), embed[i], ValueSignal.score(profile, t),
                        StructureSignal.score(s, t), name[i] - maxOther(name, i), embed[i] - maxOther(embed, i),
                        StructureSignal.inRepeatedChild(s) ? 1 : 0};
                list.add(new Candidate(s, t, x));
            }
            out.put(s.path(), list);
        }
        return out;
    }

    /** The writable fields of a target. */
    public static List<TargetField> writable(TargetObject target) {
        return target.fields().stream().filter(Writability::writable).toList();
    }

    private static double maxOther(double[] v, int skip) {
        double m = 0;
        for (int i = 0; i < v.length; i++) {
            if (i != skip) {
                m = Math.max(m, v[i]);
            }
        }
        return m;
    }

    private static List<String> reasons(Candidate c, ValueProfile profile) {
        double[] x = c.features();
        List<String> r = new ArrayList<>();
        r.add(String.format(Locale.ROOT, "name %.2f%s", x[0], x[1] == 1 ? " (same words)" : ""));
        r.add(String.format(Locale.ROOT, "embedding %.2f", x[2]));
        r.add(String.format(Locale.ROOT, "values %.2f (%s → %s%s)", x[3], describe(profile), c.target().type(),
                c.target().length() > 0 && c.target().isText() ? " " + c.target().length() : ""));
        if (x[7] == 1) {
            r.add("inside an array of objects (one value per element: usually a child object's field)");
        }
        if (x[4] != 0) {
            r.add(String.format(Locale.ROOT, "structure %+.1f (%s)", x[4], x[4] > 0 ? "same address group" : "another address group"));
        }
        return r;
    }

    static String describe(ValueProfile p) {
        if (p.values() == 0) {
            return "no sample values";
        }
        List<Map.Entry<ValueKind, Double>> kinds = new ArrayList<>(p.shares().entrySet());
        kinds.sort(Map.Entry.<ValueKind, Double>comparingByValue().reversed());
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < Math.min(2, kinds.size()); i++) {
            parts.add(Math.round(kinds.get(i).getValue() * 100) + "% " + kinds.get(i).getKey().name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return String.join(", ", parts) + (p.numbersAsText() ? ", numbers as text" : "");
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
