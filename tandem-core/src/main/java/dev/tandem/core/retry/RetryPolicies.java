package dev.tandem.core.retry;

import dev.tandem.core.config.Config;
import dev.tandem.core.error.ErrorClass;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * The retry policy per {@link ErrorClass} ({@code retry.classes.<class>.*} over {@code retry.*}; issue 9: "retry
 * policy per error class in config"), e.g. row locks retried quickly and often, connection failures with a longer
 * backoff. A flow's own {@code errorHandler} entry for an error code still wins over these.
 *
 * @param defaults the {@code retry.*} policy, for every class without its own
 * @param byClass  the classes that have their own policy
 */
public record RetryPolicies(RetryPolicy defaults, Map<ErrorClass, RetryPolicy> byClass) {

    public RetryPolicies {
        Objects.requireNonNull(defaults, "defaults");
        byClass = Map.copyOf(byClass);
    }

    /** One policy for every class. */
    public static RetryPolicies of(RetryPolicy policy) {
        return new RetryPolicies(policy, Map.of());
    }

    /** The policies of a {@code retry} section parsed with {@link RetryPolicy#SPEC}. */
    public static RetryPolicies from(Config retry) {
        RetryPolicy defaults = RetryPolicy.from(retry);
        Config classes = retry.section("classes");
        Map<ErrorClass, RetryPolicy> byClass = new EnumMap<>(ErrorClass.class);
        for (ErrorClass errorClass : ErrorClass.values()) {
            RetryPolicy own = defaults.overriddenBy(classes.section(configName(errorClass)));
            if (own != defaults) {
                byClass.put(errorClass, own);
            }
        }
        return new RetryPolicies(defaults, byClass);
    }

    /** The policy for a failure with this error code, by the code's class. */
    public RetryPolicy forCode(String errorCode) {
        return forClass(ErrorClass.of(errorCode));
    }

    public RetryPolicy forClass(ErrorClass errorClass) {
        return byClass.getOrDefault(errorClass, defaults);
    }

    /** The key of a class under {@code retry.classes}: lower camel case, like every key ({@code rateLimit}). */
    static String configName(ErrorClass errorClass) {
        String[] words = errorClass.id().split("_");
        StringBuilder name = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            name.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return name.toString();
    }
}
