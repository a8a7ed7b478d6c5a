package dev.tandem.sandbox.clarity.model;

/**
 * {@code StoreProductModel} (relationship Store → Product, module Stores; clarity-models.txt, ProductModel's
 * {@code Stores} and StoreModel's {@code Products}): a product sold in a store. As CEF's other relationship models
 * ({@code MasterID}/{@code SlaveID}, spec §6 AccountContactModel), the master is the store, the slave the product,
 * with the keys and the store's name copied beside the IDs.
 */
public record StoreProductModel(
        int id,
        int masterId,
        String masterKey,
        String masterName,
        int slaveId,
        String slaveKey) {
}
