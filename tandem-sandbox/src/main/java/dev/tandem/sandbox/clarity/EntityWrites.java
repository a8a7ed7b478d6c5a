package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.entity.ChangeListener;
import dev.tandem.sandbox.clarity.entity.WriteRules;
import dev.tandem.sandbox.clarity.entity.WriteRules.LookupRule;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookEvent;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Write rules of the writable entities and the webhook events their writes fire (spec §11: {@code Customer.*} with
 * Entity {@code Account}, {@code User} or {@code Contact}; {@code Product.*}).
 */
final class EntityWrites {

    private EntityWrites() {
    }

    static WriteRules accountRules() {
        return new WriteRules(List.of("Name"), Map.of(
                "Type", new LookupRule(Lookup.ACCOUNT_TYPES, Lookup.ACCOUNT_TYPE_CUSTOMER),
                "Status", new LookupRule(List.of(Lookup.ACCOUNT_STATUS_NORMAL), Lookup.ACCOUNT_STATUS_NORMAL)));
    }

    static WriteRules contactRules() {
        return new WriteRules(List.of(), Map.of(
                "Type", new LookupRule(Lookup.CONTACT_TYPES, Lookup.CONTACT_TYPE_USER)));
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
