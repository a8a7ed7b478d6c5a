package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code SalesOrderModel} (module Ordering; extends {@code SalesCollectionBaseModel}, spec §6 and the example of §8).
 * Contacts are embedded as CEF does, with their IDs and keys flattened beside them.
 */
public record SalesOrderModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        int typeId,
        String typeKey,
        String typeName,
        int statusId,
        String statusKey,
        String statusName,
        int stateId,
        String stateKey,
        String stateName,
        Integer accountId,
        String accountKey,
        String accountName,
        Integer userId,
        String userKey,
        String userUserName,
        String userContactEmail,
        String userContactFirstName,
        String userContactLastName,
        CartTotals totals,
        BigDecimal balanceDue,
        BigDecimal itemQuantity,
        Instant originalDate,
        String purchaseOrderNumber,
        Integer billingContactId,
        String billingContactKey,
        ContactModel billingContact,
        Integer shippingContactId,
        String shippingContactKey,
        ContactModel shippingContact,
        Boolean shippingSameAsBilling,
        List<SalesItemModel> salesItems) implements CefModel {
}
