package dev.tandem.core.mapping.functions;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.List;

/**
 * Phone numbers to E.164 (ITU-T Recommendation E.164, https://www.itu.int/rec/T-REC-E.164, "+" country code and
 * national number, at most 15 digits), parsed and validated by Google's libphonenumber
 * (https://github.com/google/libphonenumber, "Quick Examples"): {@code PhoneNumberUtil.parse},
 * {@code isValidNumber} and {@code format(..., PhoneNumberFormat.E164)}.
 *
 * <p>The region (an ISO 3166-1 code or country name, as {@code $countryCode} reads it) is needed for numbers
 * written without {@code +}; a number with {@code +} ignores it. An extension is dropped, E.164 has none.
 * An unparseable or invalid number is an error; {@code $isValidPhone} lets a mapping test first.
 */
final class PhoneFunctions {

    private PhoneFunctions() {
    }

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    /** libphonenumber's "unknown region": only numbers in international form (with +) parse. */
    private static final String NO_REGION = "ZZ";

    static List<FunctionDefinition> definitions() {
        return List.of(
                new FunctionDefinition("toE164", "<xx?:x>", args -> {
                    String number = Args.string("toE164", args, 0);
                    if (number == null) {
                        return null;
                    }
                    String region = region("toE164", args);
                    Checked checked = check(number, region);
                    if (checked.failure() != null) {
                        throw parseFailure("toE164", number, region, checked.failure());
                    }
                    PhoneNumber parsed = checked.number();
                    if (!checked.valid()) {
                        throw new FunctionException("toE164", "'" + number + "' is not a valid phone number"
                                + regionNote(args));
                    }
                    return PHONES.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164);
                }),
                new FunctionDefinition("isValidPhone", "<xx?:b>", args -> {
                    String number = Args.string("isValidPhone", args, 0);
                    if (number == null) {
                        return false;
                    }
                    return check(number, region("isValidPhone", args)).valid();
                }));
    }

    private static String region(String function, List<?> args) {
        String region = Args.string(function, args, 1);
        return region == null ? NO_REGION : AddressFunctions.alpha2(function, region);
    }

    private static String regionNote(List<?> args) {
        String region = Args.string("toE164", args, 1);
        return region == null ? " (no region given: write it with + and the country code, or pass the region)"
                : " for region " + region;
    }

    /** A number parsed for a region: the number and whether it is valid, or why it did not parse. */
    private record Checked(String input, String region, PhoneNumber number, boolean valid,
                           NumberParseException failure) {
    }

    /**
     * The last number checked on this thread. A mapping tests a phone and then converts it
     * ({@code $isValidPhone(p, cc) ? $toE164(p, cc) : ...}): the second call reuses the first's parse and validation,
     * which are most of what the two cost ({@code isValidNumber} matches the number against its region's patterns).
     * libphonenumber's {@code PhoneNumber} is mutable, so callers only read it.
     */
    private static final ThreadLocal<Checked> LAST = new ThreadLocal<>();

    private static Checked check(String number, String region) {
        Checked last = LAST.get();
        if (last != null && last.input().equals(number) && last.region().equals(region)) {
            return last;
        }
        Checked checked;
        try {
            PhoneNumber parsed = PHONES.parse(number, region);
            checked = new Checked(number, region, parsed, PHONES.isValidNumber(parsed), null);
        } catch (NumberParseException e) {
            checked = new Checked(number, region, null, false, e);
        }
        LAST.set(checked);
        return checked;
    }

    private static FunctionException parseFailure(String function, String number, String region,
                                                  NumberParseException e) {
        String reason = switch (e.getErrorType()) {
            case INVALID_COUNTRY_CODE -> NO_REGION.equals(region)
                    ? "has no country code: write it with + or pass the region as the second argument"
                    : "has an unknown country code";
            case NOT_A_NUMBER -> "is not a phone number";
            case TOO_SHORT_NSN, TOO_SHORT_AFTER_IDD -> "is too short";
            case TOO_LONG -> "is too long";
        };
        return new FunctionException(function, "'" + number + "' " + reason, e);
    }
}
