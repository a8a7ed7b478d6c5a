package dev.tandem.mapping.ai;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The structure around a source field: the address group its parent keys name ({@code billing_address},
 * {@code BillingContact.Address}: billing; {@code shipping_address}, {@code ShipTo}: shipping;
 * {@code default_address}, {@code addresses[]}: the person's own) against the group a Salesforce compound-address
 * field belongs to (Billing*, Shipping*, Mailing*, Other*). +1 the same group (or a person's own address on Mailing,
 * or billing on Mailing at half weight), −1 another named group (a billing city is not ShippingCity), 0 when either
 * side names no group. {@link #inRepeatedChild} is a feature of its own: a line item's name is not the order's Name.
 */
public final class StructureSignal {

    public enum Group { BILLING, SHIPPING, MAILING, OTHER }

    private StructureSignal() {
    }

    public static double score(SourceField source, TargetField target) {
        Group targetGroup = targetGroup(target.name());
        if (targetGroup == null) {
            return 0;
        }
        Set<Group> groups = sourceGroups(source.parents());
        if (groups.isEmpty()) {
            return 0;
        }
        if (groups.contains(targetGroup)) {
            return 1;
        }
        if (targetGroup == Group.MAILING && groups.contains(Group.BILLING)) {
            return 0.5;
        }
        if (targetGroup == Group.BILLING && groups.contains(Group.MAILING)) {
            return 0.3;
        }
        return -1;
    }

    /**
     * True when the field is inside an array of objects that are not addresses (line items, payments, notes): one of
     * many values, which belongs on a child object of its own (OrderItem), not on a field of this record. An array
     * of addresses is read as the record's address (its first, or default, element).
     */
    public static boolean inRepeatedChild(SourceField source) {
        for (String p : source.parents()) {
            if (p.endsWith("[]") && !FieldTokens.words(p.substring(0, p.length() - 2)).contains("address")) {
                return true;
            }
        }
        return false;
    }

    static Group targetGroup(String name) {
        for (Group g : Group.values()) {
            String prefix = g.name().charAt(0) + g.name().substring(1).toLowerCase(java.util.Locale.ROOT);
            if (name.startsWith(prefix) && name.length() > prefix.length() && Character.isUpperCase(name.charAt(prefix.length()))) {
                return g;
            }
        }
        return null;
    }

    static Set<Group> sourceGroups(List<String> parents) {
        Set<Group> out = new HashSet<>();
        boolean address = false;
        for (String p : parents) {
            List<String> words = FieldTokens.words(p.replace("[]", ""));
            if (words.contains("billing") || words.contains("invoice")) {
                out.add(Group.BILLING);
            }
            if (words.contains("shipping")) {
                out.add(Group.SHIPPING);
            }
            if (words.contains("mailing") || words.contains("default") || words.contains("primary") || words.contains("home")) {
                out.add(Group.MAILING);
            }
            if (words.contains("address")) {
                address = true;
            }
        }
        if (out.isEmpty() && address) {
            out.add(Group.MAILING);
        }
        return out;
    }
}
