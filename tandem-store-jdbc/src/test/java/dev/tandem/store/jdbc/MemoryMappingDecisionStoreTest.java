package dev.tandem.store.jdbc;

import dev.tandem.core.mapping.MappingDecisionStore;

/** The in-memory decisions (core's {@link MappingDecisionStore#memory()}) keep the same contract; a reopen is the same store. */
class MemoryMappingDecisionStoreTest extends MappingDecisionStoreContractTest {

    private MappingDecisionStore store;

    @Override
    protected MappingDecisionStore openEmpty() {
        store = MappingDecisionStore.memory();
        return store;
    }

    @Override
    protected MappingDecisionStore reopen() {
        return store;
    }
}
