package dev.tandem.core.config;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A check of one key's value beyond its {@link Type}, e.g. a range; its {@link #describe()} goes into the docs.
 *
 * @param <T> the type of the value
 */
public interface Validator<T> {

    /**
     * What is wrong with {@code value}, as the end of a sentence that starts with the key path (e.g.
     * {@code "must be between 1 and 200, got 500"}); null when the value is fine.
     */
    String problem(T value);

    /** The constraint as the docs' type column shows it after the type, e.g. {@code 1–200}; empty for none. */
    String describe();

    /** Both checks; the first problem wins. */
    default Validator<T> and(Validator<? super T> other) {
        Validator<T> first = this;
        return new Validator<>() {
            @Override
            public String problem(T value) {
                String p = first.problem(value);
                return p != null ? p : other.problem(value);
            }

            @Override
            public String describe() {
                return (first.describe() + " " + other.describe()).strip();
            }
        };
    }

    /** No check. */
    static <T> Validator<T> none() {
        return of("", v -> true, "");
    }

    /**
     * {@code ok} or the problem {@code requirement + ", got " + value}, e.g. {@code of("", Files::isDirectory,
     * "must be an existing folder")}.
     */
    static <T> Validator<T> of(String describe, Predicate<? super T> ok, String requirement) {
        Objects.requireNonNull(ok, "ok");
        return new Validator<>() {
            @Override
            public String problem(T value) {
                return ok.test(value) ? null : requirement + ", got " + Show.value(value);
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /** Like {@link #of} without repeating the value in the message: for secrets. */
    static <T> Validator<T> quiet(String describe, Predicate<? super T> ok, String requirement) {
        return new Validator<>() {
            @Override
            public String problem(T value) {
                return ok.test(value) ? null : requirement;
            }

            @Override
            public String describe() {
                return describe;
            }
        };
    }

    /** {@code min ≤ value ≤ max}. */
    static Validator<Integer> between(int min, int max) {
        return of(min + "–" + max, v -> v >= min && v <= max, "must be between " + min + " and " + max);
    }

    /** {@code value ≥ min}. */
    static Validator<Double> atLeast(double min) {
        return of("≥ " + plain(min), v -> v >= min, "must be a number >= " + plain(min));
    }

    /** {@code min ≤ value < max}. */
    static Validator<Double> inRange(double min, double maxExclusive) {
        return of(plain(min) + " ≤ x < " + plain(maxExclusive), v -> v >= min && v < maxExclusive,
                "must be in [" + plain(min) + ", " + plain(maxExclusive) + ")");
    }

    /** A duration above zero. */
    static Validator<Duration> positive() {
        return of("> 0", d -> !d.isNegative() && !d.isZero(), "must be positive");
    }

    /** A duration of zero or more. */
    static Validator<Duration> notNegative() {
        return of("≥ 0", d -> !d.isNegative(), "must not be negative");
    }

    /** Text matching {@code regex} in full, e.g. {@code matches("\\d{2}\\.\\d", "", "must look like 64.0")}. */
    static Validator<String> matches(String regex, String describe, String requirement) {
        Pattern pattern = Pattern.compile(regex);
        return of(describe, s -> pattern.matcher(s).matches(), requirement);
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf((long) d) : String.valueOf(d);
    }
}
