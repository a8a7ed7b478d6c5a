package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.Instant;

/** {@code ProductInventoryLocationSectionModel} (clarity-api.md §6): stock of a product (Master) in a section (Slave). */
public record ProductInventoryLocationSection(@JsonProperty("ID") Integer id, String customKey, Boolean active,
                                              Instant createdDate, Instant updatedDate, Long hash,
                                              @JsonProperty("MasterID") Integer masterId, String masterKey,
                                              @JsonProperty("SlaveID") Integer slaveId, String slaveKey,
                                              String slaveName, BigDecimal quantity, BigDecimal quantityAllocated,
                                              BigDecimal quantityPreSold, BigDecimal quantityBroken) {
}
