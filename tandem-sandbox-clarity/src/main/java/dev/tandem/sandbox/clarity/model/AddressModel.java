package dev.tandem.sandbox.clarity.model;

/** {@code AddressModel} (spec §6, clarity-models.txt "AddressModel"), the part of it the sandbox fills. */
public record AddressModel(
        Integer id,
        String company,
        String street1,
        String street2,
        String city,
        String postalCode,
        String regionKey,
        String regionName,
        String regionCode,
        String countryKey,
        String countryName,
        String countryCode) {
}
