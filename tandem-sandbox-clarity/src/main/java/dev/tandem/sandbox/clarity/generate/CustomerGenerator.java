package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.generate.Country.Place;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.AddressModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Creates customers (account + user + contact) in the store. Callers serialise access: the generator shares the
 * sandbox's seeded {@link Random}, so the same seed and the same calls give the same customers.
 */
final class CustomerGenerator {

    private static final List<String> COMPANY_NAMES = List.of("Northwind", "Contoso", "Fabrikam", "Blue Yonder",
            "Tailspin", "Litware", "Proseware", "Adventure Works", "Wide World", "Alpine Ski House", "Coho Vineyard",
            "Lucerne Publishing", "Trey Research", "Wingtip", "Fourth Coffee", "Woodgrove", "Humongous Insurance",
            "Graphic Design Institute", "Relecloud", "Southridge Video");

    private static final List<String> COMPANY_TRADES = List.of("Traders", "Supplies", "Outfitters", "Industries",
            "Labs", "Logistics", "Studio", "Partners");

    private final ClarityStore store;

    CustomerGenerator(ClarityStore store) {
        this.store = store;
    }

    /**
     * Creates and stores one customer.
     *
     * @param withoutLastName the {@code MISSING_LAST_NAME} bad-data case: the last name is left null, so it is absent
     *     from the contact, the user and every order contact copied from them
     */
    Customer create(Random random, Instant createdDate, Instant updatedDate, boolean withoutLastName) {
        return create(random, createdDate, updatedDate, withoutLastName ? EdgeCase.MISSING_LAST_NAME : EdgeCase.NONE,
                random);
    }

    /**
     * Creates and stores one customer with the given edge case. The clean parts draw from {@code random} exactly as
     * a clean customer does; the edge case's own values come from {@code edgeRandom}, so a seed without edge cases
     * gives the same data as before edge cases existed.
     */
    Customer create(Random random, Instant createdDate, Instant updatedDate, EdgeCase edge, Random edgeRandom) {
        Country country = Text.pick(random, Countries.WEIGHTED);
        String firstName = Text.pick(random, country.firstNames());
        String lastName = edge == EdgeCase.MISSING_LAST_NAME ? null : Text.pick(random, country.lastNames());
        switch (edge) {
            case UNICODE_NAME -> {
                firstName = Text.pick(edgeRandom, EdgeCase.UNICODE_FIRST_NAMES);
                lastName = Text.pick(edgeRandom, EdgeCase.UNICODE_LAST_NAMES);
            }
            case NAME_AT_LIMIT -> lastName = longName(lastName, EdgeCase.NAME_LIMIT);
            case NAME_OVER_LIMIT -> lastName = longName(lastName, EdgeCase.NAME_LIMIT + 1 + edgeRandom.nextInt(200));
            default -> {
            }
        }
        String fullName = lastName == null ? firstName : firstName + " " + lastName;
        boolean business = random.nextInt(10) < 4;
        String company = business ? companyName(random, country) : null;
        boolean taxable = random.nextInt(10) > 0;

        int accountId = store.accounts().nextId();
        int contactId = store.contacts().nextId();
        int userId = store.users().nextId();
        String local = Text.ascii(firstName) + (lastName == null ? "" : "." + Text.ascii(lastName));
        // An e-mail local part is at most 64 characters (RFC 5321); non-Latin names leave it empty.
        local = local.isEmpty() ? "customer" : local.substring(0, Math.min(local.length(), 48));
        String email = local + "." + accountId + "@" + Text.pick(random, country.emailDomains());
        String phone = Text.digits(random, country.phonePattern());
        if (edge == EdgeCase.ODD_PHONE) {
            phone = Text.pick(edgeRandom, EdgeCase.PHONE_FORMATS);
        }
        AddressModel address = address(random, country, company, Text.pick(random, country.places()));

        ContactModel contact = store.contacts().put(new ContactModel(contactId, "CON-" + contactId, true, createdDate,
                updatedDate, null, Map.of(), Lookup.CONTACT_TYPE_USER.id(), Lookup.CONTACT_TYPE_USER.key(),
                Lookup.CONTACT_TYPE_USER.name(), firstName, null, lastName, fullName, phone, null, email, null, null,
                false, address.id(), "ADDR-" + address.id(), address));
        AccountModel account = store.accounts().put(new AccountModel(accountId,
                String.format("CUST-%05d", accountId - 1000), true, createdDate, updatedDate, null, Map.of(),
                business ? company : fullName, null, Lookup.ACCOUNT_TYPE_CUSTOMER.id(),
                Lookup.ACCOUNT_TYPE_CUSTOMER.key(), Lookup.ACCOUNT_TYPE_CUSTOMER.name(),
                Lookup.ACCOUNT_STATUS_NORMAL.id(), Lookup.ACCOUNT_STATUS_NORMAL.key(),
                Lookup.ACCOUNT_STATUS_NORMAL.name(), false, taxable, taxable ? null : "EX-" + accountId, null,
                null));
        UserModel user = store.users().put(new UserModel(userId, "USR-" + userId, true, createdDate, updatedDate,
                null, Map.of(), email, email, true, phone, false, false, true, 0, true, fullName,
                random.nextBoolean(), Lookup.USER_TYPE_CUSTOMER.id(), Lookup.USER_TYPE_CUSTOMER.key(),
                Lookup.USER_TYPE_CUSTOMER.name(), Lookup.USER_STATUS_REGISTERED.id(),
                Lookup.USER_STATUS_REGISTERED.key(), Lookup.USER_STATUS_REGISTERED.name(), account.id(),
                account.customKey(), account.name(), contact.id(), contact.customKey(), phone, email, firstName,
                lastName, contact));
        return new Customer(account, user, contact);
    }

    /** A double-barrelled name padded to exactly {@code length} characters. */
    private static String longName(String base, int length) {
        StringBuilder name = new StringBuilder(base == null ? "Long" : base);
        String[] parts = {"-Montgomery", "-Wolfeschlegel", "-Featherstonehaugh", "-Cholmondeley"};
        for (int i = 0; name.length() < length; i++) {
            name.append(parts[i % parts.length]);
        }
        return name.substring(0, length);
    }

    /** A new address in the given place, with its own ID as CEF stores addresses as rows. */
    AddressModel address(Random random, Country country, String company, Place place) {
        int id = store.nextAddressId();
        String street = (1 + random.nextInt(9899)) + " " + Text.pick(random, country.streets());
        return new AddressModel(id, company, street, random.nextInt(6) == 0 ? "Suite " + (100 + random.nextInt(900))
                : null, place.city(), place.postalCode(), place.regionCode(), place.regionName(), place.regionCode(),
                country.code(), country.name(), country.code());
    }

    private static String companyName(Random random, Country country) {
        String legal = switch (country.code()) {
            case "DEU" -> "GmbH";
            case "FRA" -> "SARL";
            case "AUS" -> "Pty Ltd";
            case "GBR", "CAN" -> "Ltd";
            default -> random.nextBoolean() ? "Inc." : "LLC";
        };
        return Text.pick(random, COMPANY_NAMES) + " " + Text.pick(random, COMPANY_TRADES) + " " + legal;
    }
}
