package dev.tandem.core.flow;

/**
 * One error in a flow or mapping file, where it is: {@code file:line:column: message} (1-based; 0 when unknown).
 */
public record FlowProblem(String file, int line, int column, String message) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
