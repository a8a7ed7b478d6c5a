package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.model.AccountContactModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.EntityTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Keeps the copies of a contact that other rows embed in step with the contact: a user's {@code Contact} and its
 * flattened {@code Contact*} fields, an order's {@code BillingContact}/{@code ShippingContact} and its
 * {@code UserContact*} fields, an account contact's {@code Slave*} fields.
 *
 * <p>[INFERRED] CEF stores these as foreign keys ({@code ContactID}, {@code BillingContactID}, {@code SlaveID},
 * spec §6) and fills the related model when it reads the row, so a read after a contact's change shows the new
 * values. The sandbox stores the rows denormalised, so it rewrites the copies instead. The referencing rows are not
 * themselves changed in CEF, so their {@code UpdatedDate} and {@code Hash} stay
 * ({@link dev.tandem.sandbox.clarity.store.EntityTable#modifyEmbedded}): no {@code ModifiedSince} poll, digest or
 * webhook reports them; only the contact's own change is announced. This matters for a retry: an order dead-lettered for
 * its billing contact's missing last name must read the fixed name once the contact is corrected.
 */
final class ContactCopies {

    private final ClarityStore store;
    private final EntityTable<UserModel>.Index<Integer> usersByContact;
    private final EntityTable<SalesOrderModel>.Index<Integer> ordersByContactOrUser;
    private final EntityTable<AccountContactModel>.Index<Integer> accountContactsBySlave;

    ContactCopies(ClarityStore store) {
        this.store = store;
        // Indexes, not scans: a contact's change would otherwise read every user and order of the store.
        this.usersByContact = store.users().index(user -> List.of(user.contactId()));
        this.ordersByContactOrUser = store.salesOrders().index(order -> {
            List<Integer> keys = new ArrayList<>(3);
            keys.add(order.billingContactId());
            keys.add(order.shippingContactId());
            // Orders of a user are found by the user's id, negated to keep them apart from contact ids.
            keys.add(order.userId() == null ? null : -order.userId());
            return keys;
        });
        this.accountContactsBySlave = store.accountContacts().index(link -> List.of(link.slaveId()));
    }

    /** Rewrites every embedded copy of {@code contact} (as stored now). */
    void refresh(ContactModel contact) {
        int id = contact.id();
        Set<Integer> usersOfContact = usersByContact.rows(id).stream()
                .map(UserModel::id)
                .collect(Collectors.toSet());
        Map<Integer, SalesOrderModel> orders = new TreeMap<>();
        ordersByContactOrUser.rows(id).forEach(order -> orders.put(order.id(), order));
        usersOfContact.forEach(user -> ordersByContactOrUser.rows(-user).forEach(order -> orders.put(order.id(), order)));
        for (int userId : usersOfContact) {
            store.users().modifyEmbedded(userId, tree -> {
                tree.set("Contact", store.json().tree(contact));
                text(tree, "ContactKey", contact.customKey());
                text(tree, "ContactFirstName", contact.firstName());
                text(tree, "ContactLastName", contact.lastName());
                text(tree, "ContactEmail", contact.email1());
                text(tree, "ContactPhone", contact.phone1());
            });
        }
        orders.values().stream()
                .filter(order -> Objects.equals(order.billingContactId(), id)
                        || Objects.equals(order.shippingContactId(), id)
                        || (order.userId() != null && usersOfContact.contains(order.userId())))
                .forEach(order -> store.salesOrders().modifyEmbedded(order.id(), tree -> {
                    // Only the copies the order carries: an order that names its contact by ID alone keeps doing so.
                    if (Objects.equals(order.billingContactId(), id)) {
                        text(tree, "BillingContactKey", contact.customKey());
                        if (order.billingContact() != null) {
                            tree.set("BillingContact", store.json().tree(contact));
                        }
                    }
                    if (Objects.equals(order.shippingContactId(), id)) {
                        text(tree, "ShippingContactKey", contact.customKey());
                        if (order.shippingContact() != null) {
                            tree.set("ShippingContact", store.json().tree(contact));
                        }
                    }
                    if (order.userId() != null && usersOfContact.contains(order.userId())) {
                        text(tree, "UserContactFirstName", contact.firstName());
                        text(tree, "UserContactLastName", contact.lastName());
                        text(tree, "UserContactEmail", contact.email1());
                    }
                }));
        accountContactsBySlave.rows(id).stream()
                .filter(link -> link.slaveId() == id)
                .forEach(link -> store.accountContacts().modifyEmbedded(link.id(), tree -> {
                    text(tree, "SlaveKey", contact.customKey());
                    text(tree, "SlaveFirstName", contact.firstName());
                    text(tree, "SlaveLastName", contact.lastName());
                    text(tree, "SlaveEmail", contact.email1());
                    text(tree, "SlavePhone", contact.phone1());
                }));
    }

    /** CEF leaves null members out (spec §2): a value that became null is removed, not written as null. */
    private static void text(ObjectNode tree, String field, String value) {
        if (value == null) {
            tree.remove(field);
        } else {
            tree.put(field, value);
        }
    }
}
