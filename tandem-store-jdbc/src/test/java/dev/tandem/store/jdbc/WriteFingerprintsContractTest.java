package dev.tandem.store.jdbc;

import dev.tandem.core.echo.WriteFingerprint;
import dev.tandem.core.spi.WriteFingerprints;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link WriteFingerprints} implementation guarantees (subclasses open it and restart it). */
abstract class WriteFingerprintsContractTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");

    protected WriteFingerprints fingerprints;

    protected abstract WriteFingerprints openEmpty();

    protected abstract WriteFingerprints restart();

    @BeforeEach
    void open() {
        fingerprints = openEmpty();
    }

    private static WriteFingerprint written(String id, Map<String, String> hashes, Duration ttl) {
        return new WriteFingerprint("salesforce", "Account", id, hashes, NOW, NOW.plus(ttl));
    }

    @Test
    void aStoredFingerprintComesBackWithItsFieldsAndSurvivesARestart() {
        fingerprints.remember(written("001A", Map.of("Name", "h1", "BillingAddress.City", "h2"), Duration.ofHours(1)));

        fingerprints = restart();

        assertThat(fingerprints.lastWrite("salesforce", "Account", "001A", NOW)).hasValueSatisfying(f -> {
            assertThat(f.fieldHashes()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("Name", "h1", "BillingAddress.City", "h2"));
            assertThat(f.writtenAt()).isEqualTo(NOW);
            assertThat(f.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(1)));
        });
    }

    @Test
    void aLaterWriteReplacesTheEarlierOne() {
        fingerprints.remember(written("001A", Map.of("Name", "h1"), Duration.ofHours(1)));
        fingerprints.remember(written("001A", Map.of("Phone", "h3"), Duration.ofHours(1)));

        assertThat(fingerprints.lastWrite("salesforce", "Account", "001A", NOW).orElseThrow().fieldHashes())
                .containsExactlyEntriesOf(Map.of("Phone", "h3"));
    }

    @Test
    void aBatchStoresEveryFingerprintAndReplacesEarlierOnes() {
        fingerprints.remember(written("001A", Map.of("Name", "h1"), Duration.ofHours(1)));

        fingerprints.rememberAll(java.util.List.of(written("001A", Map.of("Phone", "h3"), Duration.ofHours(1)),
                written("001B", Map.of("Name", "h4"), Duration.ofHours(1))));
        fingerprints = restart();

        assertThat(fingerprints.lastWrites("salesforce", "Account", java.util.List.of("001A", "001B"), NOW))
                .hasSize(2).hasEntrySatisfying("001A", f -> assertThat(f.fieldHashes())
                        .containsExactlyEntriesOf(Map.of("Phone", "h3")))
                .hasEntrySatisfying("001B", f -> assertThat(f.fieldHashes())
                        .containsExactlyEntriesOf(Map.of("Name", "h4")));
    }

    @Test
    void recordsAreKeptApartBySystemEntityAndId() {
        fingerprints.remember(written("001A", Map.of("Name", "h1"), Duration.ofHours(1)));

        assertThat(fingerprints.lastWrite("clarity", "Account", "001A", NOW)).isEmpty();
        assertThat(fingerprints.lastWrite("salesforce", "Contact", "001A", NOW)).isEmpty();
        assertThat(fingerprints.lastWrite("salesforce", "Account", "001B", NOW)).isEmpty();
    }

    @Test
    void anExpiredFingerprintIsNotReturnedAndIsPurged() {
        fingerprints.remember(written("001A", Map.of("Name", "h1"), Duration.ofMinutes(5)));
        fingerprints.remember(written("001B", Map.of("Name", "h1"), Duration.ofHours(5)));
        Instant later = NOW.plus(Duration.ofMinutes(5));

        assertThat(fingerprints.lastWrite("salesforce", "Account", "001A", later)).isEmpty();
        assertThat(fingerprints.purgeExpired(later)).isEqualTo(1);
        assertThat(fingerprints.lastWrite("salesforce", "Account", "001B", later)).isPresent();
    }

    @Test
    void severalFingerprintsAreReadAtOnceLeavingOutMissingAndExpiredOnes() {
        fingerprints.remember(written("001A", Map.of("Name", "h1"), Duration.ofHours(1)));
        fingerprints.remember(written("001B", Map.of("Name", "h2"), Duration.ofMinutes(1)));
        fingerprints.remember(written("001C", Map.of("Name", "h3"), Duration.ofHours(1)));

        Map<String, WriteFingerprint> found = fingerprints.lastWrites("salesforce", "Account",
                java.util.List.of("001A", "001B", "001C", "001X", "001A"), NOW.plus(Duration.ofMinutes(1)));

        assertThat(found.keySet()).containsExactlyInAnyOrder("001A", "001C");
        assertThat(found.get("001C").fieldHashes()).containsExactlyEntriesOf(Map.of("Name", "h3"));
    }

    @Test
    void aFingerprintWithoutFieldsIsKept() {
        fingerprints.remember(written("001A", Map.of(), Duration.ofHours(1)));

        assertThat(fingerprints.lastWrite("salesforce", "Account", "001A", NOW).orElseThrow().fieldHashes())
                .isEmpty();
    }
}
