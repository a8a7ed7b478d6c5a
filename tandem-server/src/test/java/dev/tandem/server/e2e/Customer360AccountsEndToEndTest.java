package dev.tandem.server.e2e;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customer 360 from Clarity (issue 10 item 1) on both sandboxes: B2B accounts with several users, consumers as
 * Person Accounts in an org that has them and as Account + Contact in one that does not, standardised values, and a
 * profile change in Clarity that reaches the right Salesforce record without a second one.
 */
class Customer360AccountsEndToEndTest {

    private static final TandemConfig.Flows CUSTOMER_FLOW = new TandemConfig.Flows(null,
            Map.of("clarity-customer-to-salesforce", true));
    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private List<Map<String, Object>> accounts(String key) {
        return stack.salesforce.records("Account").stream()
                .filter(a -> key.equals(a.get("Clarity_Account_Key__c"))).toList();
    }

    private List<Map<String, Object>> contacts(String key) {
        return stack.salesforce.records("Contact").stream()
                .filter(c -> key.equals(c.get("Clarity_Contact_Key__c"))).toList();
    }

    private String recordTypeName(Object id) {
        return stack.salesforce.records("RecordType").stream().filter(r -> Objects.equals(r.get("Id"), id))
                .map(r -> (String) r.get("DeveloperName")).findFirst().orElse("(none)");
    }

    /** The ISO 3166-1 alpha-2 code of an alpha-3 one (the sandbox writes alpha-3), from the JDK's table. */
    static String alpha2(String alpha3) {
        return java.util.Arrays.stream(Locale.getISOCountries())
                .filter(c -> Locale.of("", c).getISO3Country().equals(alpha3)).findFirst().orElseThrow();
    }

    /**
     * The phone as the flows write it: in E.164 as libphonenumber formats it for the address's country (ISO alpha-3
     * in the sandbox) when libphonenumber holds it valid, else as written, trimmed.
     */
    static String e164(String phone, String alpha3) {
        try {
            var parsed = PHONES.parse(phone, alpha2(alpha3));
            return PHONES.isValidNumber(parsed) ? PHONES.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164)
                    : phone.trim();
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Person(UserModel user, ContactModel contact, AccountModel account) {
        boolean business() {
            return contact.address() != null && contact.address().company() != null
                    || !account.name().equals(contact.fullName());
        }
    }

    /** Registers customers in Clarity until there is at least one consumer and one business among them. */
    private List<Person> registerConsumersAndBusinesses() {
        java.util.Set<Integer> registered = new java.util.HashSet<>();
        for (int i = 0; i < 12; i++) {
            registered.add(stack.clarity.customers().createRandomCustomer().id());
        }
        List<Person> people = stack.clarity.store().users().all().stream()
                .filter(u -> registered.contains(u.accountId())).map(u -> new Person(u,
                stack.clarity.store().contacts().byId(u.contactId()).orElseThrow(),
                stack.clarity.store().accounts().byId(u.accountId()).orElseThrow()))
                .filter(p -> p.contact().lastName() != null).toList();
        assertThat(people).anyMatch(Person::business).anyMatch(p -> !p.business());
        return people;
    }

    @Test
    void inAPersonAccountOrgAConsumerIsOnePersonAccountAndABusinessAnAccountWithItsContact() {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, true);
        List<Person> people = registerConsumersAndBusinesses();
        for (Person p : people) {
            await().atMost(Duration.ofSeconds(30)).until(() -> accounts(p.account().customKey()).size() == 1
                    && contacts(p.contact().customKey()).size() == 1);
        }

        for (Person p : people) {
            Map<String, Object> account = accounts(p.account().customKey()).getFirst();
            Map<String, Object> contact = contacts(p.contact().customKey()).getFirst();
            String country = p.contact().address().countryCode();
            if (p.business()) {
                assertThat(account.get("IsPersonAccount")).isEqualTo(false);
                assertThat(recordTypeName(account.get("RecordTypeId"))).isEqualTo("Business");
                assertThat(account.get("Name")).isEqualTo(p.account().name().trim());
                assertThat(contact.get("AccountId")).isEqualTo(account.get("Id"));
                assertThat(contact.get("Email")).isEqualTo(p.contact().email1().trim().toLowerCase(Locale.ROOT));
            } else {
                assertThat(account.get("IsPersonAccount")).as(p.account().customKey()).isEqualTo(true);
                assertThat(stack.salesforce.records("RecordType").stream()
                        .filter(r -> Objects.equals(r.get("Id"), account.get("RecordTypeId")))
                        .map(r -> r.get("IsPersonType"))).containsExactly(true);
                assertThat(account.get("LastName")).isEqualTo(p.contact().lastName().trim());
                assertThat(account.get("PersonEmail")).isEqualTo(p.contact().email1().trim().toLowerCase(Locale.ROOT));
                assertThat(account.get("PersonMailingCountry")).isEqualTo(alpha2(country));
                assertThat(account.get("Clarity_Contact_Key__pc")).isEqualTo(p.contact().customKey());
                // The implicit person contact carries the Clarity key: the same record the order flows find.
                assertThat(contact.get("Id")).isEqualTo(account.get("PersonContactId"));
                assertThat(contact.get("IsPersonAccount")).isEqualTo(true);
            }
            assertThat(contact.get("Phone")).isEqualTo(e164(p.contact().phone1(), country));
        }

        // A consumer changes the phone in Clarity: the Contact's Customer.Updated reaches the Person Account.
        Person consumer = people.stream().filter(p -> !p.business()).findFirst().orElseThrow();
        int accountsBefore = stack.salesforce.records("Account").size();
        stack.clarity.customers().renameContact(consumer.contact().id(), null, "Okafor-Lee");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "Okafor-Lee".equals(accounts(consumer.account().customKey()).getFirst().get("LastName")));
        assertThat(contacts(consumer.contact().customKey()).getFirst().get("LastName")).isEqualTo("Okafor-Lee");
        assertThat(stack.salesforce.records("Account")).as("updated, not duplicated").hasSize(accountsBefore);

        // A consumer's account renamed in Clarity: a Person Account's name follows its person, so it stays, and
        // the write does not fail (Salesforce refuses Name on a person account); a business account's name follows.
        Person business = people.stream().filter(Person::business).findFirst().orElseThrow();
        stack.clarity.customers().renameAccount(consumer.account().id(), "Renamed Household");
        stack.clarity.customers().renameAccount(business.account().id(), "Initech Holdings Ltd");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "Initech Holdings Ltd".equals(accounts(business.account().customKey()).getFirst().get("Name")));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                "Okafor-Lee".equals(accounts(consumer.account().customKey()).getFirst().get("LastName"))
                        && stack.tandem().stateStore().deadLetterCount() == 0);
        assertThat(stack.salesforce.records("Account")).hasSize(accountsBefore);
    }

    @Test
    void withoutPersonAccountsAConsumerIsAnAccountNamedAfterThePersonWithItsContact() {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, false);
        List<Person> people = registerConsumersAndBusinesses();
        Person consumer = people.stream().filter(p -> !p.business()).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts(consumer.contact().customKey()).size() == 1);

        Map<String, Object> account = accounts(consumer.account().customKey()).getFirst();
        Map<String, Object> contact = contacts(consumer.contact().customKey()).getFirst();
        assertThat(account.get("Name")).isEqualTo(consumer.contact().fullName().trim());
        assertThat(recordTypeName(account.get("RecordTypeId"))).isEqualTo("Consumer");
        assertThat(account).doesNotContainKey("IsPersonAccount");
        assertThat(contact.get("AccountId")).isEqualTo(account.get("Id"));
        assertThat(contact.get("Email")).isEqualTo(consumer.contact().email1().trim().toLowerCase(Locale.ROOT));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void theDeltaPollersUserAndContactChangesSyncAsTheWebhooksDo() {
        stack = TandemStack.startPolling(dir, CUSTOMER_FLOW, List.of(dev.tandem.clarity.model.ClarityEntity.USER,
                dev.tandem.clarity.model.ClarityEntity.ACCOUNT, dev.tandem.clarity.model.ClarityEntity.CONTACT));
        int accountId = stack.clarity.customers().createRandomCustomer().id();
        UserModel user = stack.clarity.store().users().all().stream().filter(u -> u.accountId() == accountId)
                .findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts(user.contactKey()).size() == 1);
        assertThat(contacts(user.contactKey()).getFirst().get("AccountId"))
                .isEqualTo(accounts(user.accountKey()).getFirst().get("Id"));

        // A back-office correction of the contact alone: the poller reports the Contact as Customer.Updated.
        stack.clarity.customers().renameContact(user.contactId(), "Marta", "Quintero");
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> "Quintero".equals(
                    contacts(user.contactKey()).getFirst().get("LastName")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // Seen failing now and then (2026-12-02; the cause was the Clarity writer's write-back overwriting the
            // rename with an older read, fixed): the log's steps that name this customer say why it did not cross.
            StringBuilder b = new StringBuilder("the contact's rename did not reach Salesforce; timeline:");
            for (long o = 1; o <= stack.tandem().eventLog().endOffset(); o++) {
                for (var a : stack.tandem().stateStore().auditFor(o)) {
                    if (!String.valueOf(a.detail()).contains(Integer.toString(user.contactId()))
                            && !String.valueOf(a.detail()).contains(user.contactKey())) {
                        continue;
                    }
                    b.append("\n ").append(o).append(' ').append(a.flow()).append(' ').append(a.step()).append(' ')
                            .append(a.outcome()).append(' ').append(a.detail());
                }
            }
            throw new AssertionError(b.toString(), e);
        }
        assertThat(contacts(user.contactKey()).getFirst().get("FirstName")).isEqualTo("Marta");
        assertThat(contacts(user.contactKey())).hasSize(1);
        assertThat(accounts(user.accountKey())).hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aB2bAccountWithThreeUsersIsOneSalesforceAccountWithThreeLinkedContacts() {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, false);
        ClarityRest clarity = new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password());
        int accountId = clarity.post("/Accounts/Account/Create",
                "{\"CustomKey\":\"GLOBEX\",\"Name\":\" Globex Industries Inc. \"}").path("Result").asInt();
        String[][] people = {{"Ann", "Lee", "(512) 555-0101"}, {"Bo", "Diaz", "512.555.0102"},
            {"Cy", "Ng", "+1 512 555 0103"}};
        for (int i = 0; i < people.length; i++) {
            String key = "CON-GLOBEX-" + (i + 1);
            String email = " " + people[i][0] + "." + people[i][1] + "@Globex.TEST";
            int contactId = clarity.post("/Contacts/Contact/Create", "{\"CustomKey\":\"" + key + "\",\"FirstName\":\""
                    + people[i][0] + "\",\"LastName\":\"" + people[i][1] + "\",\"Email1\":\"" + email
                    + "\",\"Phone1\":\"" + people[i][2] + "\",\"Address\":{\"Company\":\"Globex Industries Inc.\","
                    + "\"Street1\":\"1 Globex Way\",\"City\":\"Austin\",\"RegionCode\":\"Texas\","
                    + "\"PostalCode\":\"78701\","
                    + "\"CountryCode\":\"USA\"}}").path("Result").asInt();
            clarity.post("/Contacts/User/Create", "{\"CustomKey\":\"USR-GLOBEX-" + (i + 1) + "\",\"UserName\":\""
                    + email.trim() + "\",\"Email\":\"" + email.trim() + "\",\"AccountID\":" + accountId
                    + ",\"AccountKey\":\"GLOBEX\",\"ContactID\":" + contactId + ",\"ContactKey\":\"" + key + "\"}");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> java.util.stream.IntStream.rangeClosed(1, 3)
                .allMatch(i -> contacts("CON-GLOBEX-" + i).size() == 1));
        List<Map<String, Object>> account = accounts("GLOBEX");
        assertThat(account).as("one Salesforce Account for the Clarity account").hasSize(1);
        assertThat(account.getFirst().get("Name")).isEqualTo("Globex Industries Inc.");
        assertThat(recordTypeName(account.getFirst().get("RecordTypeId"))).isEqualTo("Business");
        assertThat(account.getFirst().get("BillingState")).isEqualTo("TX");
        assertThat(account.getFirst().get("BillingCountry")).isEqualTo("US");
        for (int i = 1; i <= 3; i++) {
            Map<String, Object> contact = contacts("CON-GLOBEX-" + i).getFirst();
            assertThat(contact.get("AccountId")).isEqualTo(account.getFirst().get("Id"));
            assertThat(contact.get("Phone")).isEqualTo("+1512555010" + i);
            assertThat(contact.get("Email")).isEqualTo((people[i - 1][0] + "." + people[i - 1][1] + "@globex.test")
                    .toLowerCase(Locale.ROOT));
            assertThat(contact.get("MailingState")).isEqualTo("TX");
        }
        assertThat(stack.salesforce.records("Contact").stream()
                .filter(c -> Objects.equals(c.get("AccountId"), account.getFirst().get("Id")))).hasSize(3);

        // The account renamed in Clarity's back office: its Customer.Updated reaches the one Salesforce Account.
        stack.clarity.customers().renameAccount(accountId, "Globex Corporation");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "Globex Corporation".equals(accounts("GLOBEX").getFirst().get("Name")));
        assertThat(accounts("GLOBEX")).hasSize(1);
        assertThat(stack.salesforce.records("Contact").stream()
                .filter(c -> Objects.equals(c.get("AccountId"), account.getFirst().get("Id")))).hasSize(3);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

}
