package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.entity.ChangeListener;
import dev.tandem.sandbox.clarity.entity.References;
import dev.tandem.sandbox.clarity.entity.WriteRules;
import dev.tandem.sandbox.clarity.entity.WriteRules.LookupRule;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import java.math.BigDecimal;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Write rules of the writable entities and the webhook events their writes fire (spec §11: {@code Customer.*} with
 * Entity {@code Account}, {@code User} or {@code Contact}; {@code Product.*}). Create fires {@code *.Created};
 * Update, Upsert of an existing row, Deactivate and Reactivate fire {@code *.Updated}; a hard Delete fires nothing
 * (§11 has no delete event).
 */
final class EntityWrites {

    private EntityWrites() {
    }

    static WriteRules accountRules() {
        return new WriteRules(List.of("Name"), Map.of(
                "Type", new LookupRule(Lookup.ACCOUNT_TYPES, Lookup.ACCOUNT_TYPE_CUSTOMER),
                "Status", new LookupRule(List.of(Lookup.ACCOUNT_STATUS_NORMAL), Lookup.ACCOUNT_STATUS_NORMAL)));
    }

    /**
     * A contact's address is a row of its own in CEF (AddressModel, module Geography, referenced by the contact's
     * {@code AddressID}; spec §6): an embedded {@code Address} written without an {@code ID} becomes a new address
     * row, one with its ID updates that row, and {@code AddressID} follows the embedded address [inferred: CEF's
     * contact workflow saves the embedded address before the contact; the sandbox keeps the row inside the contact].
     */
    static WriteRules contactRules(ClarityStore store) {
        return new WriteRules(List.of(), Map.of(
                "Type", new LookupRule(Lookup.CONTACT_TYPES, Lookup.CONTACT_TYPE_USER)), row -> {
                    if (row.get("Address") instanceof ObjectNode address) {
                        JsonNode id = address.get("ID");
                        if (id == null || !id.canConvertToInt() || id.asInt() <= 0) {
                            address.put("ID", store.nextAddressId());
                        }
                        row.put("AddressID", address.get("ID").asInt());
                    }
                });
    }

    static WriteRules userRules() {
        return new WriteRules(List.of("UserName"), Map.of(
                "Type", new LookupRule(Lookup.USER_TYPES, Lookup.USER_TYPE_CUSTOMER),
                "Status", new LookupRule(Lookup.USER_STATUSES, Lookup.USER_STATUS_REGISTERED)));
    }

    static WriteRules productRules() {
        return new WriteRules(List.of("Name"), Map.of(
                "Type", new LookupRule(Lookup.PRODUCT_TYPES, Lookup.PRODUCT_TYPE_GENERAL),
                "Status", new LookupRule(List.of(Lookup.PRODUCT_STATUS_NORMAL), Lookup.PRODUCT_STATUS_NORMAL)));
    }

    static WriteRules salesOrderRules(ClarityStore store, Clock clock) {
        return new WriteRules(List.of(), Map.of(
                "Type", new LookupRule(Lookup.ORDER_TYPES, Lookup.ORDER_TYPE_WEB),
                "Status", new LookupRule(Lookup.ORDER_STATUSES, Lookup.ORDER_PENDING),
                "State", new LookupRule(List.of(Lookup.ORDER_STATE_WORK, Lookup.ORDER_STATE_HISTORY),
                        Lookup.ORDER_STATE_WORK)),
                row -> OrderItems.completeOrder(row, store, clock));
    }

    static WriteRules salesOrderItemRules(ClarityStore store) {
        return new WriteRules(List.of(), Map.of(), row -> OrderItems.completeItem(row, store));
    }

    static WriteRules salesOrderEventRules(ClarityStore store) {
        return new WriteRules(List.of(), Map.of(), row -> References.require(row, "Master", store.salesOrders()));
    }

    static WriteRules accountContactRules(ClarityStore store) {
        return new WriteRules(List.of(), Map.of(), row -> {
            AccountModel account = References.require(row, "Master", store.accounts());
            ContactModel contact = References.require(row, "Slave", store.contacts());
            References.text(row, "MasterName", account.name());
            References.text(row, "SlaveEmail", contact.email1());
            References.text(row, "SlaveFirstName", contact.firstName());
            References.text(row, "SlaveLastName", contact.lastName());
            References.text(row, "SlavePhone", contact.phone1());
        });
    }

    static WriteRules inventoryLocationRules() {
        return new WriteRules(List.of("Name"), Map.of());
    }

    static WriteRules inventoryLocationSectionRules(ClarityStore store) {
        return new WriteRules(List.of("Name"), Map.of(), row -> {
            InventoryLocationModel location = References.require(row, "InventoryLocation", store.inventoryLocations());
            References.text(row, "InventoryLocationName", location.name());
        });
    }

    static WriteRules productInventoryLocationSectionRules(ClarityStore store) {
        return new WriteRules(List.of(), Map.of(), row -> {
            ProductModel product = References.require(row, "Master", store.products());
            InventoryLocationSectionModel section = References.require(row, "Slave",
                    store.inventoryLocationSections());
            References.text(row, "MasterName", product.name());
            References.text(row, "MasterSeoUrl", product.seoUrl());
            References.text(row, "SlaveName", section.name());
            row.put("InventoryLocationSectionInventoryLocationID", section.inventoryLocationId());
            References.text(row, "InventoryLocationSectionInventoryLocationKey", section.inventoryLocationKey());
            References.text(row, "InventoryLocationSectionInventoryLocationName", section.inventoryLocationName());
            for (String quantity : List.of("Quantity", "QuantityAllocated", "QuantityPreSold", "QuantityBroken")) {
                JsonNode value = row.get(quantity);
                if (value == null || value.isNull()) {
                    row.put(quantity, BigDecimal.ZERO);
                } else if (!value.isNumber() || value.decimalValue().signum() < 0) {
                    throw ClarityHttpException.actionFailed(quantity + " must be a number of at least 0");
                }
            }
        });
    }

    static WriteRules storeRules() {
        return new WriteRules(List.of("Name"), Map.of(
                "Type", new LookupRule(List.of(Lookup.STORE_TYPE_GENERAL), Lookup.STORE_TYPE_GENERAL)));
    }

    static WriteRules brandRules() {
        return new WriteRules(List.of("Name"), Map.of());
    }

    /** Publishes {@code Inventory.Changed} (spec §11: Entity ProductInventoryLocationSection + ProductID, Quantity). */
    static ChangeListener<ProductInventoryLocationSectionModel> inventoryEvents(WebhookDispatcher dispatcher,
            Clock clock) {
        return new ChangeListener<>() {
            @Override
            public void created(ProductInventoryLocationSectionModel row) {
                dispatcher.publish(WebhookEvent.inventoryChanged(row, clock.instant()));
            }

            @Override
            public void updated(ProductInventoryLocationSectionModel row) {
                dispatcher.publish(WebhookEvent.inventoryChanged(row, clock.instant()));
            }
        };
    }

    /** Publishes {@code <prefix>.Created}/{@code <prefix>.Updated} for rows of the given entity. */
    static <T extends CefModel> ChangeListener<T> publishing(WebhookDispatcher dispatcher, Clock clock,
            String createdType, String updatedType, String entity) {
        return new ChangeListener<>() {
            @Override
            public void created(T row) {
                dispatcher.publish(WebhookEvent.about(createdType, entity, row, clock.instant()));
            }

            @Override
            public void updated(T row) {
                dispatcher.publish(WebhookEvent.about(updatedType, entity, row, clock.instant()));
            }
        };
    }

    static <T extends CefModel> ChangeListener<T> customerEvents(WebhookDispatcher dispatcher, Clock clock,
            String entity) {
        return publishing(dispatcher, clock, WebhookEvent.CUSTOMER_CREATED, WebhookEvent.CUSTOMER_UPDATED, entity);
    }

    /**
     * {@code Customer.Created}/{@code Customer.Updated} with Entity {@code Contact}; a change first rewrites the
     * copies other rows embed ({@link ContactCopies}), so a receiver that fetches an order on the event reads the
     * new contact.
     */
    static ChangeListener<ContactModel> contactEvents(WebhookDispatcher dispatcher, Clock clock,
            ContactCopies copies) {
        ChangeListener<ContactModel> announce = customerEvents(dispatcher, clock, "Contact");
        return new ChangeListener<>() {
            @Override
            public void created(ContactModel row) {
                announce.created(row);
            }

            @Override
            public void updated(ContactModel row) {
                copies.refresh(row);
                announce.updated(row);
            }
        };
    }

    /**
     * An account's address book changed (an {@code AccountContact} created, updated, deactivated, reactivated or
     * deleted): announced as {@code Customer.Updated} of its contact (Entity {@code Contact}, the row's
     * {@code SlaveID}). Spec §11 has no AccountContact event, and a contact joining or leaving an account's address
     * book is a change of that customer contact: the account it belongs to.
     */
    static ChangeListener<dev.tandem.sandbox.clarity.model.AccountContactModel> addressBookEvents(
            WebhookDispatcher dispatcher, Clock clock, ClarityStore store) {
        ChangeListener<ContactModel> announce = customerEvents(dispatcher, clock, "Contact");
        return new ChangeListener<>() {
            @Override
            public void created(dev.tandem.sandbox.clarity.model.AccountContactModel row) {
                store.contacts().byId(row.slaveId()).ifPresent(announce::updated);
            }

            @Override
            public void updated(dev.tandem.sandbox.clarity.model.AccountContactModel row) {
                store.contacts().byId(row.slaveId()).ifPresent(announce::updated);
            }

            @Override
            public void deleted(dev.tandem.sandbox.clarity.model.AccountContactModel row) {
                store.contacts().byId(row.slaveId()).ifPresent(announce::updated);
            }
        };
    }

    static <T extends CefModel> ChangeListener<T> productEvents(WebhookDispatcher dispatcher, Clock clock) {
        return publishing(dispatcher, clock, WebhookEvent.PRODUCT_CREATED, WebhookEvent.PRODUCT_UPDATED, "Product");
    }

    static <T extends CefModel> ChangeListener<T> silent() {
        return new ChangeListener<>() {
            @Override
            public void created(T row) {
            }

            @Override
            public void updated(T row) {
            }
        };
    }
}
