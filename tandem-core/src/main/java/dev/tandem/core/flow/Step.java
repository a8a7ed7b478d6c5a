package dev.tandem.core.flow;

import java.util.List;

/**
 * One stage of a flow (cf. Kafka Connect's {@code Transformation}: a small plugin the worker drives). Batch in,
 * batch out: the pipeline hands a step only the exchanges not yet settled, and a step returns each of them, either
 * carried on (new body, new plan) or settled (skipped, failed). Steps never retry or write state themselves beyond
 * {@link StepContext#audit}; the pipeline and the runtime do.
 */
public interface Step {

    /** The step's kind as in the flow file, e.g. {@code fetch}; the audit trail's stage. */
    String kind();

    List<Exchange> apply(List<Exchange> batch, StepContext ctx);
}
