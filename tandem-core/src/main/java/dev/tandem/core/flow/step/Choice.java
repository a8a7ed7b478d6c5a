package dev.tandem.core.flow.step;

import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;

import java.util.ArrayList;
import java.util.List;

/**
 * Content-Based Router: each exchange takes the first branch whose condition holds, else {@code otherwise}; each
 * branch runs as a sub-pipeline on its share of the batch (so writes stay batched), and the flow goes on after.
 */
public final class Choice implements Step {

    /** A branch. */
    public record Branch(JsonataMapping condition, Pipeline steps) {
    }

    /** Runs a list of steps on a batch (the pipeline's own loop, handed in so branches behave like the flow). */
    public interface Pipeline {
        List<Exchange> run(List<Exchange> batch, StepContext ctx);
    }

    private final List<Branch> branches;
    private final Pipeline otherwise;

    public Choice(List<Branch> branches, Pipeline otherwise) {
        this.branches = List.copyOf(branches);
        this.otherwise = otherwise;
    }

    @Override
    public String kind() {
        return "choice";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        int n = branches.size();
        List<List<Integer>> taken = new ArrayList<>();
        for (int b = 0; b <= n; b++) {
            taken.add(new ArrayList<>());
        }
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            int choice = n;
            for (int b = 0; b < n; b++) {
                if (branches.get(b).condition().testValue(x.bodyValue(), x.bindings())) {
                    choice = b;
                    break;
                }
            }
            taken.get(choice).add(i);
        }
        List<Exchange> out = new ArrayList<>(batch);
        for (int b = 0; b <= n; b++) {
            List<Integer> idx = taken.get(b);
            if (idx.isEmpty()) {
                continue;
            }
            List<Exchange> sub = idx.stream().map(batch::get).toList();
            List<Exchange> result = (b < n ? branches.get(b).steps() : otherwise).run(sub, ctx);
            for (int k = 0; k < idx.size(); k++) {
                out.set(idx.get(k), result.get(k));
            }
        }
        return out;
    }
}
