package dev.tandem.mapping.ai;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Name and label similarity: the Dice coefficient of the source field's words (its key, and its key with the keys
 * above it) and the target's name or label words ({@link FieldTokens}), the better of the two. The parent keys
 * only count when the key itself shares a word with the target: {@code billing_address.city} is like BillingCity,
 * {@code billing_address.id} is not like BillingStreet.
 */
public final class NameSignal {

    private NameSignal() {
    }

    /** The similarity in [0, 1]. */
    public static double score(SourceField source, TargetField target) {
        List<String> leaf = FieldTokens.words(source.leaf());
        List<String> withParents = new ArrayList<>();
        List<String> parents = source.parents();
        for (int i = Math.max(0, parents.size() - 2); i < parents.size(); i++) {
            withParents.addAll(FieldTokens.words(parents.get(i).replace("[]", "")));
        }
        withParents.addAll(leaf);
        double best = 0;
        for (List<String> t : List.of(FieldTokens.words(target.name()), FieldTokens.words(target.label()))) {
            double own = dice(leaf, t);
            if (own == 0) {
                continue;
            }
            best = Math.max(best, Math.max(own, dice(withParents, t)));
        }
        return best;
    }

    /** 1 when the key's words are exactly the target name's or label's words (as sets), else 0. */
    public static double exact(SourceField source, TargetField target) {
        Set<String> leaf = new HashSet<>(FieldTokens.words(source.leaf()));
        if (leaf.isEmpty()) {
            return 0;
        }
        return leaf.equals(new HashSet<>(FieldTokens.words(target.name())))
                || leaf.equals(new HashSet<>(FieldTokens.words(target.label()))) ? 1 : 0;
    }

    /**
     * The Dice coefficient of two word sets, each word weighted: a {@link FieldTokens#WEAK weak} word counts
     * {@link FieldTokens#WEAK_WEIGHT} in a name that has a stronger word, fully in a name of weak words only
     * ({@code Total} is all a field named Total says); a shared word counts the smaller of its two weights.
     */
    static double dice(List<String> a, List<String> b) {
        if (a.isEmpty() || b.isEmpty()) {
            return 0;
        }
        Set<String> sa = new HashSet<>(a);
        Set<String> sb = new HashSet<>(b);
        boolean strongA = sa.stream().anyMatch(w -> !FieldTokens.WEAK.contains(w));
        boolean strongB = sb.stream().anyMatch(w -> !FieldTokens.WEAK.contains(w));
        double common = 0;
        for (String w : sa) {
            if (sb.contains(w)) {
                common += Math.min(weight(w, strongA), weight(w, strongB));
            }
        }
        return 2.0 * common / (total(sa, strongA) + total(sb, strongB));
    }

    private static double weight(String w, boolean hasStrongWord) {
        return hasStrongWord && FieldTokens.WEAK.contains(w) ? FieldTokens.WEAK_WEIGHT : 1;
    }

    private static double total(Set<String> words, boolean hasStrongWord) {
        double t = 0;
        for (String w : words) {
            t += weight(w, hasStrongWord);
        }
        return t;
    }
}
