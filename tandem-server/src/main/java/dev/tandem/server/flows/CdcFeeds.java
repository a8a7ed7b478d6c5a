package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowSpec;
import dev.tandem.salesforce.cdc.CdcSettings;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Enabled flows fed by Salesforce change events that this configuration does not subscribe to: a configuration
 * fault, not a data problem. Such a flow (e.g. {@code salesforce-product-to-clarity} switched on without
 * {@code Product2} in {@code salesforce.cdc.objects}) would otherwise get no event and do nothing, without a word.
 * A flow's event type {@code Product2.Updated} names its object before the dot; the object is fed when CDC is on and
 * the object is in {@code objects} or has its own topic {@code /data/<Object>ChangeEvent} in {@code topics}
 * (Change Data Capture Developer Guide, "Subscription Channels":
 * https://developer.salesforce.com/docs/atlas.en-us.change_data_capture.meta/change_data_capture/cdc_subscribe_channels.htm).
 */
public final class CdcFeeds {

    private CdcFeeds() {
    }

    /** Per enabled Salesforce-fed flow that lacks a subscription: what is missing and how to fix it. */
    public static Map<String, String> unfed(Collection<FlowSpec> flows, CdcSettings cdc) {
        Map<String, String> out = new LinkedHashMap<>();
        for (FlowSpec flow : flows) {
            if (!flow.enabled() || !"salesforce".equals(flow.definition().from().system())) {
                continue;
            }
            Set<String> objects = new LinkedHashSet<>();
            for (String type : flow.definition().from().events()) {
                int dot = type.indexOf('.');
                objects.add(dot > 0 ? type.substring(0, dot) : type);
            }
            if (!cdc.enabled()) {
                out.put(flow.id(), "salesforce.cdc is off: the flow gets no change events of " + String.join(", ", objects)
                        + " (set salesforce.cdc.enabled: true and objects: [" + String.join(", ", objects) + "])");
                continue;
            }
            Set<String> missing = new LinkedHashSet<>();
            for (String object : objects) {
                boolean listed = cdc.objects().stream().anyMatch(o -> o.equalsIgnoreCase(object))
                        || cdc.topics().stream().anyMatch(t -> t.equalsIgnoreCase(topicOf(object)));
                if (!listed) {
                    missing.add(object);
                }
            }
            if (!missing.isEmpty()) {
                out.put(flow.id(), "salesforce.cdc.objects does not include " + String.join(", ", missing)
                        + ": the flow gets no change events of it (add it there, and select it in Setup → Change"
                        + " Data Capture)");
            }
        }
        return out;
    }

    private static String topicOf(String object) {
        return "/data/" + (object.endsWith("__c") ? object.substring(0, object.length() - 1) : object) + "ChangeEvent";
    }
}
