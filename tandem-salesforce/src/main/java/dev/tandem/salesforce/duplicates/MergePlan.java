package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What merging two Salesforce records does (a dry run shows it; {@code --apply} carries it out).
 *
 * @param object    {@code Account}, {@code Contact} or {@code PersonAccount}
 * @param survivor  the record that stays
 * @param loser     the record that is deleted
 * @param keyField  the Clarity key field of the object
 * @param moves     the records re-parented from the loser to the survivor
 * @param copied    the loser's values copied to the survivor's empty fields
 * @param movedKey  the Clarity key moved from the loser to the survivor, or empty
 * @param survivorKey the survivor's Clarity key after the merge (may be empty)
 * @param blockers  why the merge cannot be applied (empty when it can)
 * @param applied   whether it was carried out
 */
public record MergePlan(String object, String survivor, String loser, String keyField, List<Move> moves,
                        Map<String, JsonNode> copied, String movedKey, String survivorKey, List<String> blockers,
                        boolean applied) {

    public MergePlan {
        moves = List.copyOf(moves);
        copied = Map.copyOf(copied);
        blockers = List.copyOf(blockers);
    }

    /**
     * One child record pointed at the survivor: {@code object.field = to} — the survivor's id, or for a person
     * account's Orders that bill or ship to its person contact, the survivor's person contact.
     */
    public record Move(String object, String field, String id, String to) {
    }

    public MergePlan asApplied() {
        return new MergePlan(object, survivor, loser, keyField, moves, copied, movedKey, survivorKey, blockers, true);
    }
}
