package dev.tandem.sandbox.clarity.wire;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/**
 * Maps Java record components to CEF wire names.
 *
 * <p>CEF serializes its C# models with Newtonsoft (spec §2), so names are PascalCase and identifier suffixes keep the
 * .NET spelling: {@code ID}, {@code AccountID}, {@code IDs}. Java components use {@code accountId}; this strategy
 * capitalises the first letter and rewrites a trailing {@code Id}/{@code Ids}. Names that do not follow the rule
 * (ServiceStack's {@code UserId}, {@code SessionId}) are pinned with {@code @JsonProperty}, which Jackson never renames.
 */
public final class CefNamingStrategy extends PropertyNamingStrategies.NamingBase {

    @Override
    public String translate(String name) {
        if (name == null || name.isEmpty()) {
            return name;
        }
        String pascal = Character.toUpperCase(name.charAt(0)) + name.substring(1);
        if (pascal.endsWith("Ids")) {
            return pascal.substring(0, pascal.length() - 3) + "IDs";
        }
        if (pascal.endsWith("Id")) {
            return pascal.substring(0, pascal.length() - 2) + "ID";
        }
        return pascal;
    }
}
