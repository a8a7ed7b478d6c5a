package dev.tandem.mapping.ai;

import java.util.List;

/**
 * One suggested target for a source field.
 *
 * @param target     the target field's API name
 * @param score      calibrated in [0, 1]: 0.5 means more likely right than wrong
 * @param expression the JSONata expression that reads the source value, with the transform where one is needed
 * @param reasons    which signals spoke for or against it, with their values
 */
public record Suggestion(String target, double score, String expression, List<String> reasons) {
    public Suggestion {
        reasons = List.copyOf(reasons);
    }
}
