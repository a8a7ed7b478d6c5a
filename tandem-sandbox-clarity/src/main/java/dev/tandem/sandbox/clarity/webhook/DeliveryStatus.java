package dev.tandem.sandbox.clarity.webhook;

/** Where a delivery stands; {@code Failed} is final, after the give-up period of spec §11 (24 h by default). */
public enum DeliveryStatus {
    Pending,
    Delivered,
    Failed
}
