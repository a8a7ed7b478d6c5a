package dev.tandem.core.mapping.functions;

import com.dashjoin.jsonata.Jsonata;

import java.math.BigDecimal;
import java.util.List;

/**
 * Argument handling shared by the functions. JSONata's undefined arrives as Java {@code null}, its {@code null}
 * literal as {@link Jsonata#NULL_VALUE}; both, and a blank string, count as "no value", and a function given no
 * value returns {@code null} (undefined), so a mapping can pass optional fields without guarding them.
 */
final class Args {

    private Args() {
    }

    static Object arg(List<?> args, int index) {
        if (args == null || index >= args.size()) {
            return null;
        }
        Object value = args.get(index);
        return value == Jsonata.NULL_VALUE ? null : value;
    }

    static boolean missing(Object value) {
        return value == null || value == Jsonata.NULL_VALUE || value instanceof String s && s.isBlank();
    }

    /** The argument as a trimmed string, {@code null} when there is none; numbers and booleans are written out. */
    static String string(String function, List<?> args, int index) {
        Object value = arg(args, index);
        if (missing(value)) {
            return null;
        }
        if (value instanceof String s) {
            return s.trim();
        }
        if (value instanceof Number n) {
            BigDecimal d = decimal(n);
            return d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0
                    ? d.toBigInteger().toString() : d.stripTrailingZeros().toPlainString();
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        throw new FunctionException(function, "argument " + (index + 1) + " must be a single value, got "
                + describe(value));
    }

    /** The argument as a decimal (a number, or a string holding one), {@code null} when there is none. */
    static BigDecimal number(String function, List<?> args, int index) {
        Object value = arg(args, index);
        if (missing(value)) {
            return null;
        }
        if (value instanceof Number n) {
            return decimal(n);
        }
        if (value instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException e) {
                throw new FunctionException(function, "argument " + (index + 1) + " is not a number: '" + s + "'");
            }
        }
        throw new FunctionException(function, "argument " + (index + 1) + " must be a number, got " + describe(value));
    }

    /**
     * A number as a decimal. Doubles go through their shortest decimal representation
     * ({@link BigDecimal#valueOf(double)}), so 2.675 stays 2.675 rather than 2.67499999....
     */
    static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) {
            return d;
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException("not a finite number: " + d);
            }
            return BigDecimal.valueOf(d);
        }
        if (n instanceof java.math.BigInteger bi) {
            return new BigDecimal(bi);
        }
        return BigDecimal.valueOf(n.longValue());
    }

    /** A decimal as a JSONata number: an Integer or Long when whole (as JSONata itself does), else a Double. */
    static Number jsonataNumber(BigDecimal d) {
        BigDecimal stripped = d.stripTrailingZeros();
        if (stripped.scale() <= 0) {
            try {
                long l = stripped.longValueExact();
                return l == (int) l ? (Number) (int) l : (Number) l;
            } catch (ArithmeticException tooBig) {
                return d.doubleValue();
            }
        }
        return d.doubleValue();
    }

    static String describe(Object value) {
        if (value instanceof List<?> l) {
            return "an array of " + l.size();
        }
        if (value instanceof java.util.Map<?, ?>) {
            return "an object";
        }
        return value.getClass().getSimpleName();
    }

    // compiled once: a mapping calls this for every country and state it reads
    private static final java.util.regex.Pattern MARKS = java.util.regex.Pattern.compile("\\p{M}");
    private static final java.util.regex.Pattern NOT_LETTERS = java.util.regex.Pattern.compile("[^\\p{L}\\p{N}]+");

    /** Lower-case, accents removed, punctuation folded to spaces: the key under which names are compared. */
    static String nameKey(String name) {
        String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
        String unaccented = MARKS.matcher(decomposed).replaceAll("").toLowerCase(java.util.Locale.ROOT)
                .replace("&", " and ");
        return NOT_LETTERS.matcher(unaccented).replaceAll(" ").trim();
    }
}
