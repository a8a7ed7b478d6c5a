package dev.tandem.core.flow;

import java.util.List;
import java.util.stream.Collectors;

/** A flow file, or a file it names, that cannot be loaded; every problem says file, line and column. */
public final class FlowFileException extends RuntimeException {

    private final List<FlowProblem> problems;

    public FlowFileException(List<FlowProblem> problems) {
        super(problems.stream().map(FlowProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<FlowProblem> problems() {
        return problems;
    }
}
