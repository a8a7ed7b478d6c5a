package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.model.AddressModel;
import dev.tandem.sandbox.clarity.model.CartTotals;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sandbox's seeded data: a catalogue and customers at start, then realistic orders on demand. One
 * {@link Random} drives everything and every call holds one lock, so a seed and a sequence of calls always give the
 * same data, whichever threads make the calls.
 */
public final class SandboxDataGenerator {

    private static final BigDecimal ZERO = new BigDecimal("0.00");
    private static final BigDecimal FREE_SHIPPING_FROM = new BigDecimal("250.00");

    private final ClarityStore store;
    private final Clock clock;
    private final long seed;
    private Random random;
    /** Draws every edge-case decision, apart from {@link #random}, so a rate of 0 leaves the clean data unchanged. */
    private Random edgeRandom;
    private volatile double edgeCaseRate;
    private final ReentrantLock lock = new ReentrantLock();
    private final CustomerGenerator customers;
    private final CatalogGenerator catalog;
    private final ReferenceDataGenerator referenceData;
    private final InventoryGenerator inventory;
    /** Customers with clean data; only they are picked again for later orders. */
    private final List<Customer> regulars = new ArrayList<>();

    public SandboxDataGenerator(ClarityStore store, Clock clock, long seed) {
        this.store = store;
        this.clock = clock;
        this.seed = seed;
        this.customers = new CustomerGenerator(store);
        this.catalog = new CatalogGenerator(store);
        this.referenceData = new ReferenceDataGenerator(store);
        this.inventory = new InventoryGenerator(store);
        reset();
    }

    /**
     * The share (0..1) of generated customers, products, stock rows and orders that carry an edge case
     * ({@link EdgeCase}, zero-quantity order lines, discontinued products, empty stock); default 0.
     */
    public void setEdgeCaseRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("edgeCaseRate must be within 0..1");
        }
        this.edgeCaseRate = rate;
    }

    public double edgeCaseRate() {
        return edgeCaseRate;
    }

    /** Restarts the random sequences and forgets the customers, so the next {@link #seed} repeats the first one. */
    public void reset() {
        lock.lock();
        try {
            random = new Random(seed);
            edgeRandom = new Random(seed ^ 0x2545F4914F6CDD1DL);
            regulars.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Seeds the reference data (order statuses, brands, the store, {@code locations} warehouses with sections), the
     * catalogue with stock, and the customers, dated up to two years back so that they look historical.
     */
    public void seed(int customerCount, int productCount, int locations) {
        lock.lock();
        try {
            Instant now = clock.instant();
            referenceData.create(now.minus(Duration.ofDays(800)), locations);
            catalog.create(random, productCount, now, edgeCaseRate, edgeRandom);
            for (int i = 0; i < customerCount; i++) {
                Instant created = now.minus(Duration.ofMinutes(60L * 24 + random.nextInt(60 * 24 * 700)));
                Instant updated = created.plus(Duration.ofMinutes(random.nextInt(60 * 24)));
                regulars.add(customers.create(random, created, updated, customerEdgeCase(), edgeRandom));
            }
            inventory.create(edgeRandom, edgeCaseRate, now.minus(Duration.ofDays(1)));
        } finally {
            lock.unlock();
        }
    }

    public void seed(int customerCount, int productCount) {
        seed(customerCount, productCount, ReferenceDataGenerator.maxLocations());
    }

    /** Creates one new customer now (with an edge case at the edge-case rate), e.g. a storefront registration. */
    public Customer createCustomer() {
        lock.lock();
        try {
            Instant now = clock.instant();
            Customer customer = customers.create(random, now, now, customerEdgeCase(), edgeRandom);
            regulars.add(customer);
            return customer;
        } finally {
            lock.unlock();
        }
    }

    /** A customer picked at random from the generated ones, or empty when there are none. */
    public Optional<Customer> randomCustomer() {
        lock.lock();
        try {
            return regulars.isEmpty() ? Optional.empty()
                    : Optional.of(Text.pick(random, regulars));
        } finally {
            lock.unlock();
        }
    }

    /** A number in 0..bound-1 from the sandbox's seeded sequence, for other seeded choices. */
    public int nextInt(int bound) {
        lock.lock();
        try {
            return random.nextInt(bound);
        } finally {
            lock.unlock();
        }
    }

    private EdgeCase customerEdgeCase() {
        if (edgeCaseRate <= 0 || edgeRandom.nextDouble() >= edgeCaseRate) {
            return EdgeCase.NONE;
        }
        return Text.pick(edgeRandom, EdgeCase.CUSTOMER_CASES);
    }

    /**
     * Creates and stores one order: an existing customer (about 70 %) or a new one, 1-5 distinct products in
     * quantities 1-5 at their selling price, and totals consistent to the cent.
     */
    public GeneratedOrder createOrder(BadData badData) {
        lock.lock();
        try {
            Instant now = clock.instant();
            List<Customer> created = new ArrayList<>();
            Customer customer;
            if (badData == BadData.MISSING_LAST_NAME) {
                customer = customers.create(random, now, now, true);
                created.add(customer);
            } else if (regulars.isEmpty() || random.nextInt(10) < 3) {
                customer = customers.create(random, now, now, customerEdgeCase(), edgeRandom);
                regulars.add(customer);
                created.add(customer);
            } else {
                customer = Text.pick(random, regulars);
            }
            SalesOrderModel order = store.salesOrders().put(order(customer, badData, now));
            // The lines are also rows of /Ordering/SalesOrderItems (spec §6 "Sales order item").
            order.salesItems().forEach(store.salesOrderItems()::put);
            return new GeneratedOrder(order, List.copyOf(created));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The order edge case of the next order: forced by {@code badData}, else one of {@link EdgeCase#ORDER_CASES} at
     * the edge-case rate (drawn from {@link #edgeRandom} only, so a rate of 0 leaves the clean data unchanged).
     */
    private EdgeCase orderEdgeCase(BadData badData, boolean hasItems) {
        if (badData == BadData.TOTAL_MISMATCH) {
            return EdgeCase.TOTAL_MISMATCH;
        }
        if (badData == BadData.BILLING_CONTACT_BY_ID) {
            return EdgeCase.BILLING_CONTACT_BY_ID;
        }
        if (badData != BadData.NONE || !hasItems || edgeCaseRate <= 0 || edgeRandom.nextDouble() >= edgeCaseRate) {
            return EdgeCase.NONE;
        }
        return Text.pick(edgeRandom, EdgeCase.ORDER_CASES);
    }

    private SalesOrderModel order(Customer customer, BadData badData, Instant now) {
        int orderId = store.salesOrders().nextId();
        String orderKey = "SO-" + orderId;
        List<SalesItemModel> items = badData == BadData.NO_ITEMS ? List.of() : items(orderId, orderKey, now);
        EdgeCase edgeCase = orderEdgeCase(badData, !items.isEmpty());

        BigDecimal subTotal = items.stream().map(i -> i.unitSoldPrice().multiply(i.quantity()))
                .reduce(ZERO, BigDecimal::add).setScale(2, RoundingMode.HALF_UP);
        BigDecimal itemQuantity = items.stream().map(SalesItemModel::quantity).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal shipping = items.isEmpty() || subTotal.compareTo(FREE_SHIPPING_FROM) >= 0 ? ZERO
                : items.size() <= 2 ? new BigDecimal("9.95") : new BigDecimal("14.95");
        BigDecimal discounts = ZERO;
        if (badData == BadData.NEGATIVE_TOTAL) {
            // A mis-keyed coupon: worth more than the whole order.
            discounts = subTotal.add(shipping).add(new BigDecimal(25 + random.nextInt(100))).setScale(2);
        } else if (!items.isEmpty() && random.nextInt(10) == 0) {
            discounts = subTotal.multiply(new BigDecimal("0.10")).setScale(2, RoundingMode.HALF_UP);
        }
        Country country = Countries.byCode(customer.contact().address().countryCode());
        BigDecimal taxable = subTotal.subtract(discounts).max(BigDecimal.ZERO);
        BigDecimal tax = customer.account().isTaxable()
                ? taxable.multiply(country.taxRate()).setScale(2, RoundingMode.HALF_UP) : ZERO;
        BigDecimal handling = ZERO;
        BigDecimal fees = ZERO;
        BigDecimal total = subTotal.add(shipping).add(handling).add(fees).add(tax).subtract(discounts);
        if (edgeCase == EdgeCase.TOTAL_MISMATCH) {
            // A stated total unrelated to the lines, like 12.50 on a 3,913.39 order; never the right one.
            BigDecimal stated = new BigDecimal(1 + edgeRandom.nextInt(99) + ".50");
            total = stated.compareTo(total) == 0 ? stated.add(BigDecimal.ONE) : stated;
        }
        CartTotals totals = new CartTotals(subTotal, shipping, handling, fees, discounts, tax, total);

        // CEF copies the customer's contact into order-owned billing/shipping contacts.
        ContactModel billing = copyContact(customer.contact(), Lookup.CONTACT_TYPE_BILLING,
                customer.contact().address(), now);
        boolean shipToBilling = random.nextInt(5) > 0;
        ContactModel shippingContact = shipToBilling ? billing : copyContact(customer.contact(),
                Lookup.CONTACT_TYPE_SHIPPING, customers.address(random, country, null,
                        Text.pick(random, country.places())), now);
        String purchaseOrder = random.nextInt(10) < 3 ? "PO-" + (10000 + random.nextInt(90000)) : null;
        // The contacts are stored either way; this edge case only leaves them out of the order.
        boolean embedContacts = edgeCase != EdgeCase.BILLING_CONTACT_BY_ID;

        return new SalesOrderModel(orderId, orderKey, true, now, now, null, Map.of(),
                Lookup.ORDER_TYPE_WEB.id(), Lookup.ORDER_TYPE_WEB.key(), Lookup.ORDER_TYPE_WEB.name(),
                Lookup.ORDER_PENDING.id(), Lookup.ORDER_PENDING.key(), Lookup.ORDER_PENDING.name(),
                Lookup.ORDER_STATE_WORK.id(), Lookup.ORDER_STATE_WORK.key(), Lookup.ORDER_STATE_WORK.name(),
                customer.account().id(), customer.account().customKey(), customer.account().name(),
                customer.user().id(), customer.user().customKey(), customer.user().userName(),
                customer.user().contactEmail(), customer.user().contactFirstName(),
                customer.user().contactLastName(), totals, total, itemQuantity, now, purchaseOrder,
                billing.id(), billing.customKey(), embedContacts ? billing : null, shippingContact.id(),
                shippingContact.customKey(), embedContacts || !shipToBilling ? shippingContact : null, shipToBilling,
                items);
    }

    private List<SalesItemModel> items(int orderId, String orderKey, Instant now) {
        List<ProductModel> orderable = new ArrayList<>(store.products().all().stream()
                .filter(p -> p.active() && !p.isDiscontinued()).toList());
        if (orderable.isEmpty()) {
            throw new IllegalStateException("The sandbox has no orderable products; seed some with products(n)");
        }
        Collections.shuffle(orderable, random);
        int lines = Math.min(orderable.size(), 1 + random.nextInt(5));
        List<SalesItemModel> items = new ArrayList<>(lines);
        for (int line = 1; line <= lines; line++) {
            ProductModel product = orderable.get(line - 1);
            ProductPrice price = store.price(product.id()).orElseThrow();
            items.add(new SalesItemModel(store.nextSalesItemId(), orderKey + "-" + line, true, now, now, null,
                    Map.of(), product.name(), null, orderId, orderKey, product.id(), product.customKey(),
                    product.name(), product.seoUrl(), product.customKey(), product.unitOfMeasure(),
                    new BigDecimal(1 + random.nextInt(5)), price.basePrice(), price.sellingPrice(),
                    product.isTaxable()));
        }
        if (edgeCaseRate > 0 && edgeRandom.nextDouble() < edgeCaseRate) {
            // A zero-quantity line (a removed item the cart kept): it adds nothing to the totals.
            ProductModel product = Text.pick(edgeRandom, orderable);
            ProductPrice price = store.price(product.id()).orElseThrow();
            items.add(new SalesItemModel(store.nextSalesItemId(), orderKey + "-" + (lines + 1), true, now, now,
                    null, Map.of(), product.name(), null, orderId, orderKey, product.id(), product.customKey(),
                    product.name(), product.seoUrl(), product.customKey(), product.unitOfMeasure(),
                    BigDecimal.ZERO, price.basePrice(), price.sellingPrice(), product.isTaxable()));
        }
        return items;
    }

    private ContactModel copyContact(ContactModel source, Lookup type, AddressModel address, Instant now) {
        int id = store.contacts().nextId();
        // The billing copy gets its own address row; a shipping address is already a fresh row.
        int addressId = type == Lookup.CONTACT_TYPE_BILLING ? store.nextAddressId() : address.id();
        AddressModel copy = new AddressModel(addressId, address.company(), address.street1(), address.street2(),
                address.city(), address.postalCode(), address.regionKey(), address.regionName(),
                address.regionCode(), address.countryKey(), address.countryName(), address.countryCode());
        return store.contacts().put(new ContactModel(id, "CON-" + id, true, now, now, null, Map.of(), type.id(),
                type.key(), type.name(), source.firstName(), source.middleName(), source.lastName(),
                source.fullName(), source.phone1(), null, source.email1(), null, null,
                false, copy.id(), "ADDR-" + copy.id(), copy));
    }
}
