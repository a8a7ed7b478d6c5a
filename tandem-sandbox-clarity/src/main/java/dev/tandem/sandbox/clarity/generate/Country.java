package dev.tandem.sandbox.clarity.generate;

import java.math.BigDecimal;
import java.util.List;

/**
 * What the generator needs to make a believable customer of one country. {@code code} is the three-letter code CEF's
 * {@code Country.Code} holds ({@code "USA"} in the order example of spec §8).
 */
record Country(
        String code,
        String name,
        BigDecimal taxRate,
        String phonePattern,
        List<Place> places,
        List<String> streets,
        List<String> firstNames,
        List<String> lastNames,
        List<String> emailDomains) {

    /** A city with its region and a postal code that belongs to it. */
    record Place(String city, String regionCode, String regionName, String postalCode) {
    }
}
