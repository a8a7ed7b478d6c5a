package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.Instant;

/** {@code ProductModel} (clarity-api.md §6); it has no flat price (prices live in the pricing provider). */
public record Product(@JsonProperty("ID") Integer id, String customKey, Boolean active, Instant createdDate,
                      Instant updatedDate, Long hash, String name, String description, String shortDescription,
                      String typeKey, String statusKey, String seoUrl, String unitOfMeasure, Boolean isVisible,
                      Boolean isDiscontinued, Boolean isTaxable, String taxCode, BigDecimal weight) {
}
