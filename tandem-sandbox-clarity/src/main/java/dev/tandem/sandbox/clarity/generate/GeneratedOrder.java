package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import java.util.List;

/** A stored order and the customers created for it (none when an existing customer ordered). */
public record GeneratedOrder(SalesOrderModel order, List<Customer> newCustomers) {
}
