package dev.tandem.salesforce.enrich;

import java.math.BigDecimal;

/**
 * A Clarity product as an order line names it.
 *
 * @param key       the Clarity product key (Product2.Clarity_Product_Key__c)
 * @param name      the product name (Product2.Name)
 * @param sku       the SKU (Product2.ProductCode), may be empty
 * @param listPrice the list price for a new standard PricebookEntry
 */
public record ProductRef(String key, String name, String sku, BigDecimal listPrice) {
}
