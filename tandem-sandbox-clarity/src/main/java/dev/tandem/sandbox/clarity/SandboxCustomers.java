package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.generate.Customer;
import dev.tandem.sandbox.clarity.generate.SandboxDataGenerator;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookEvent;
import dev.tandem.sandbox.clarity.wire.CefDates;
import java.time.Clock;
import java.util.Objects;

/**
 * Customer activity on demand, as if shoppers registered and edited their profiles. Every change stamps
 * {@code UpdatedDate} and recomputes {@code Hash} (so {@code ModifiedSince} polling finds it, spec §3, §7) and fires
 * {@code Customer.Created}/{@code Customer.Updated} (spec §11, Entity {@code Account}, {@code User} or
 * {@code Contact}) after the data is stored.
 */
public final class SandboxCustomers {

    private final SandboxDataGenerator generator;
    private final ClarityStore store;
    private final WebhookDispatcher webhooks;
    private final ContactCopies copies;
    private final Clock clock;

    SandboxCustomers(SandboxDataGenerator generator, ClarityStore store, WebhookDispatcher webhooks,
            ContactCopies copies, Clock clock) {
        this.generator = generator;
        this.store = store;
        this.webhooks = webhooks;
        this.copies = copies;
        this.clock = clock;
    }

    /** Registers a new customer (account, user, contact); returns the account. */
    public RecordRef createRandomCustomer() {
        Customer customer = generator.createCustomer();
        publish(WebhookEvent.CUSTOMER_CREATED, "Account", customer.account());
        publish(WebhookEvent.CUSTOMER_CREATED, "User", customer.user());
        return new RecordRef("Account", customer.account().id(), customer.account().customKey());
    }

    /**
     * A customer changes their phone number: their contact and user change (new {@code UpdatedDate} and
     * {@code Hash}); fires {@code Customer.Updated} for both. Returns the user.
     *
     * @throws IllegalStateException when the sandbox has no customers
     */
    public RecordRef updateRandomCustomer() {
        Customer customer = generator.randomCustomer()
                .orElseThrow(() -> new IllegalStateException("The sandbox has no customers"));
        String phone = "+1 512-555-" + String.format("%04d", generator.nextInt(10_000));
        return updatePhone(customer.user().id(), phone);
    }

    /**
     * Changes a customer's phone as the customer would in their profile: the contact's {@code Phone1} and the user's
     * {@code PhoneNumber}, both stamped; fires {@code Customer.Updated} for the contact and the user.
     *
     * @throws IllegalArgumentException for an unknown user, a user without a contact or a blank phone
     */
    public RecordRef updatePhone(int userId, String phone) {
        if (Objects.requireNonNull(phone, "phone").isBlank()) {
            throw new IllegalArgumentException("A phone must not be blank");
        }
        UserModel owner = store.users().byId(userId)
                .orElseThrow(() -> new IllegalArgumentException("No User with ID " + userId));
        if (owner.contactId() == 0) {
            throw new IllegalArgumentException("User " + userId + " has no contact");
        }
        ContactModel contact = store.contacts().modify(owner.contactId(), tree -> {
            tree.put("Phone1", phone);
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow();
        copies.refresh(contact);
        UserModel user = store.users().modify(userId, tree -> {
            tree.put("PhoneNumber", phone);
            tree.put("ContactPhone", phone);
            tree.set("Contact", store.json().tree(contact));
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow();
        publish(WebhookEvent.CUSTOMER_UPDATED, "Contact", contact);
        publish(WebhookEvent.CUSTOMER_UPDATED, "User", user);
        return new RecordRef("User", user.id(), user.customKey());
    }

    /**
     * Renames an account, as a back-office user would; fires {@code Customer.Updated} (Entity Account).
     *
     * @throws IllegalArgumentException for an unknown account or a blank name
     */
    public RecordRef renameAccount(int accountId, String name) {
        if (Objects.requireNonNull(name, "name").isBlank()) {
            throw new IllegalArgumentException("An account name must not be blank");
        }
        AccountModel account = store.accounts().modify(accountId, tree -> {
            tree.put("Name", name);
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow(() -> new IllegalArgumentException("No Account with ID " + accountId));
        publish(WebhookEvent.CUSTOMER_UPDATED, "Account", account);
        return new RecordRef("Account", account.id(), account.customKey());
    }

    /**
     * Corrects a contact's name, as a back-office user fixing a record would (e.g. the missing last name that sent an
     * order to the dead letters): stamps {@code UpdatedDate}, recomputes {@code Hash} and {@code FullName}, rewrites
     * the copies of the contact that users, orders and account contacts embed, and fires one
     * {@code Customer.Updated} with Entity {@code Contact}. Works on any contact, a customer's own or an order's
     * billing/shipping copy.
     *
     * @param firstName the new first name, or null to keep the current one
     * @throws IllegalArgumentException for an unknown contact or a blank last name
     */
    public RecordRef renameContact(int contactId, String firstName, String lastName) {
        if (Objects.requireNonNull(lastName, "lastName").isBlank()) {
            throw new IllegalArgumentException("A contact's last name must not be blank");
        }
        if (firstName != null && firstName.isBlank()) {
            throw new IllegalArgumentException("A contact's first name must not be blank; pass null to keep it");
        }
        ContactModel contact = store.contacts().modify(contactId, tree -> {
            String first = firstName != null ? firstName : tree.path("FirstName").asText("");
            if (firstName != null) {
                tree.put("FirstName", firstName);
            }
            tree.put("LastName", lastName);
            tree.put("FullName", first.isEmpty() ? lastName : first + " " + lastName);
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow(() -> new IllegalArgumentException("No Contact with ID " + contactId));
        copies.refresh(contact);
        publish(WebhookEvent.CUSTOMER_UPDATED, "Contact", contact);
        return new RecordRef("Contact", contact.id(), contact.customKey());
    }

    public int count() {
        return store.accounts().size();
    }

    private void publish(String type, String entity, CefModel row) {
        webhooks.publish(WebhookEvent.about(type, entity, row, clock.instant()));
    }
}
