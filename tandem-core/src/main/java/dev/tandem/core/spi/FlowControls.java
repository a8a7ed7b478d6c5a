package dev.tandem.core.spi;

import java.time.Instant;
import java.util.Map;

/** Flows an operator paused: kept in the store, so a pause outlives a restart until someone resumes the flow. */
public interface FlowControls {

    /** A flow's operator state. */
    record FlowControl(String flow, boolean paused, String changedBy, Instant changedAt, String reason) {
    }

    /** Every flow an operator paused or resumed, by flow id. */
    Map<String, FlowControl> flowControls();

    void saveFlowControl(FlowControl control);
}
