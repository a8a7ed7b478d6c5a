package dev.tandem.core.mapping.functions;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * Currency amounts and ISO 4217 codes (https://www.iso.org/iso-4217-currency-codes.html), using the JDK's
 * currency data ({@link Currency}: https://docs.oracle.com/en/java/javase/21/docs/api/java.base/java/util/Currency.html)
 * for the valid codes and each currency's minor units (2 for USD, 0 for JPY, 3 for KWD).
 *
 * <p>Rounding defaults to HALF_EVEN (banker's rounding), the tie-breaking rule Salesforce applies to currency
 * fields (https://help.salesforce.com/s/articleView?id=sf.custom_field_types.htm "Custom Field Types", Currency);
 * HALF_UP is available for systems that round ties away from zero.
 */
final class CurrencyFunctions {

    private CurrencyFunctions() {
    }

    static List<FunctionDefinition> definitions() {
        return List.of(
                new FunctionDefinition("roundAmount", "<xx?x?:x>", CurrencyFunctions::roundAmount),
                new FunctionDefinition("currencyCode", "<x:x>", args -> {
                    String code = Args.string("currencyCode", args, 0);
                    return code == null ? null : currency("currencyCode", code).getCurrencyCode();
                }),
                new FunctionDefinition("isCurrencyCode", "<x:b>", args -> {
                    String code = Args.string("isCurrencyCode", args, 0);
                    return code != null && lookup(code) != null;
                }),
                new FunctionDefinition("currencyDigits", "<x:x>", args -> {
                    String code = Args.string("currencyDigits", args, 0);
                    return code == null ? null : digits("currencyDigits", currency("currencyDigits", code));
                }));
    }

    /**
     * {@code $roundAmount(amount, currency?, mode?)}: the amount rounded to the currency's minor units (2 decimals
     * without a currency), with {@code HALF_EVEN} (default) or {@code HALF_UP}.
     */
    static Object roundAmount(List<?> args) {
        BigDecimal amount = Args.number("roundAmount", args, 0);
        if (amount == null) {
            return null;
        }
        String code = Args.string("roundAmount", args, 1);
        int digits = code == null ? 2 : digits("roundAmount", currency("roundAmount", code));
        RoundingMode mode = mode(Args.string("roundAmount", args, 2));
        return Args.jsonataNumber(amount.setScale(digits, mode));
    }

    private static RoundingMode mode(String name) {
        if (name == null) {
            return RoundingMode.HALF_EVEN;
        }
        return switch (name.toUpperCase(Locale.ROOT).replace('-', '_')) {
            case "HALF_EVEN" -> RoundingMode.HALF_EVEN;
            case "HALF_UP" -> RoundingMode.HALF_UP;
            default -> throw new FunctionException("roundAmount", "unknown rounding mode '" + name
                    + "' (use HALF_EVEN or HALF_UP)");
        };
    }

    private static int digits(String function, Currency currency) {
        int digits = currency.getDefaultFractionDigits();
        if (digits < 0) {
            // pseudo-currencies such as XAU (gold) or XXX have no minor unit
            throw new FunctionException(function, currency.getCurrencyCode() + " has no minor unit to round to");
        }
        return digits;
    }

    static Currency currency(String function, String code) {
        Currency currency = lookup(code);
        if (currency == null) {
            throw new FunctionException(function, "'" + code + "' is not an ISO 4217 currency code");
        }
        return currency;
    }

    /** The currency for a three-letter code in any case, {@code null} when ISO 4217 has no such code. */
    private static Currency lookup(String code) {
        String upper = code.trim().toUpperCase(Locale.ROOT);
        if (!upper.matches("[A-Z]{3}")) {
            return null;
        }
        try {
            return Currency.getInstance(upper);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
