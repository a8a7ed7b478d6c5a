package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code AddressModel} (clarity-api.md §6), the fields Tandem maps. */
public record Address(@JsonProperty("ID") Integer id, String company, String street1, String street2, String street3,
                      String city, String postalCode, String regionCode, String regionName, String countryCode,
                      String countryName) {
}
