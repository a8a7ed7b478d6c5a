package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.text;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DateFunctionsTest {

    @Test
    void toIsoDateKeepsTheCalendarDateOfALocalDateTime() {
        assertThat(text("$toIsoDate('2026-11-30T14:05:00')")).isEqualTo("2026-11-30");
        assertThat(text("$toIsoDate('2026-11-30T23:59:59', 'Asia/Tokyo')")).isEqualTo("2026-11-30");
        assertThat(text("$toIsoDate('2026-11-30')")).isEqualTo("2026-11-30");
    }

    @Test
    void toIsoDateReadsAnInstantInTheGivenZone() {
        assertThat(text("$toIsoDate('2026-11-30T23:30:00Z')")).isEqualTo("2026-11-30");
        assertThat(text("$toIsoDate('2026-11-30T23:30:00Z', 'Europe/Berlin')")).isEqualTo("2026-12-01");
        assertThat(text("$toIsoDate(1700000000000)")).isEqualTo("2023-11-14");
        assertThat(text("$toIsoDate(1700000000000, 'America/Los_Angeles')")).isEqualTo("2023-11-14");
    }

    @Test
    void toIsoDateReadsMicrosoftJsonDatesAndEpochMillisStrings() {
        assertThat(text("$toIsoDate('/Date(1700000000000)/')")).isEqualTo("2023-11-14");
        assertThat(text("$toIsoDate('/Date(1700000000000+0100)/')")).isEqualTo("2023-11-14");
        assertThat(text("$toIsoDate('1700000000000')")).isEqualTo("2023-11-14");
    }

    @Test
    void toIsoDateTimeWritesUtcWithZByDefault() {
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00')")).isEqualTo("2026-11-30T14:05:00Z");
        assertThat(text("$toIsoDateTime('/Date(1700000000000)/')")).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(text("$toIsoDateTime(1700000000123)")).isEqualTo("2023-11-14T22:13:20.123Z");
    }

    @Test
    void toIsoDateTimeTakesALocalValueInTheSourceZoneAndWritesTheTargetZone() {
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00', 'America/Chicago')")).isEqualTo("2026-11-30T20:05:00Z");
        assertThat(text("$toIsoDateTime('2026-07-01 14:05', 'America/Chicago')")).isEqualTo("2026-07-01T19:05:00Z");
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00', 'UTC', 'Europe/Paris')"))
                .isEqualTo("2026-11-30T15:05:00+01:00");
        assertThat(text("$toIsoDateTime('2026-11-30', 'America/New_York')")).isEqualTo("2026-11-30T05:00:00Z");
    }

    @Test
    void toIsoDateTimeKeepsTheOffsetTheValueNames() {
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00+02:00', 'America/Chicago')")).isEqualTo("2026-11-30T12:05:00Z");
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00.5-0500')")).isEqualTo("2026-11-30T19:05:00.5Z");
        assertThat(text("$toIsoDateTime('2026-11-30T14:05:00[Europe/Paris]')")).isEqualTo("2026-11-30T13:05:00Z");
    }

    @Test
    void undefinedNullAndBlankGiveUndefined() {
        assertThat(undefined(eval("$toIsoDate(missing)"))).isTrue();
        assertThat(undefined(eval("$toIsoDate(null)"))).isTrue();
        assertThat(undefined(eval("$toIsoDateTime(d)", "{\"d\": null}"))).isTrue();
        assertThat(undefined(eval("$toIsoDateTime('  ')"))).isTrue();
        assertThat(eval("{'date': $toIsoDate(missing)}").has("date")).isFalse();
    }

    @Test
    void anUnparseableDateIsAnErrorNamingTheValue() {
        assertThatThrownBy(() -> eval("$toIsoDate('30/11/2026')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("$toIsoDate")
                .hasMessageContaining("'30/11/2026'")
                .hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> eval("$toIsoDateTime('2026-13-01')")).hasMessageContaining("'2026-13-01'");
    }

    @Test
    void anUnknownTimeZoneIsAnError() {
        assertThatThrownBy(() -> eval("$toIsoDate('2026-11-30T14:05:00Z', 'Mars/Olympus')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("unknown time zone 'Mars/Olympus'");
    }

    @Test
    void worksInsideMapOverASequence() {
        assertThat(eval("$map(dates, $toIsoDate)", "{\"dates\": [\"2026-11-30T14:05:00\", \"/Date(1700000000000)/\"]}"))
                .hasToString("[\"2026-11-30\",\"2023-11-14\"]");
        assertThat(eval("dates.$toIsoDate($)", "{\"dates\": [\"2026-11-30T14:05:00\", \"2026-12-01\"]}"))
                .hasToString("[\"2026-11-30\",\"2026-12-01\"]");
    }
}
