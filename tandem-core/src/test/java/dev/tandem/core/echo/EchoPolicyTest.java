package dev.tandem.core.echo;

import dev.tandem.core.spi.WriteFingerprints;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EchoPolicyTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

    private final MemoryFingerprints store = new MemoryFingerprints();
    private final MutableClock clock = new MutableClock(NOW);
    private final EchoPolicy policy = new EchoPolicy(store, java.util.Set.of("tandem"), java.util.Set.of("005INT"),
            Duration.ofHours(1), clock);

    private static ChangeNotice change(String client, String user, Map<String, ?> values) {
        return new ChangeNotice("salesforce", "Account", "001A", client, user, values);
    }

    @Test
    void aCreateByTandemIsRecognisedByItsExternalKeyBeforeTheWriteHasReturnedItsId() {
        policy.recordWrite("salesforce", "Account", EchoPolicy.keyRecordId("Clarity_Account_Key__c", "CUST-1"),
                Map.of("Clarity_Account_Key__c", "CUST-1", "Name", "Acme"));

        ChangeNotice created = new ChangeNotice("salesforce", "Account", "001NEW", "tandem", "005INT",
                Map.of("Clarity_Account_Key__c", "CUST-1", "Name", "Acme"));
        assertThat(policy.judgeAll(List.of(created)).getFirst().echo()).isTrue();

        ChangeNotice changed = new ChangeNotice("salesforce", "Account", "001NEW", "tandem", "005INT",
                Map.of("Clarity_Account_Key__c", "CUST-1", "Name", "Other"));
        assertThat(policy.judgeAll(List.of(changed)).getFirst().echo()).as("another value is a real change").isFalse();
    }

    @Test
    void writesRecordedInOneBatchAreEchoesAsIfRecordedOneByOne() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));

        policy.recordWrites(List.of(new EchoPolicy.Write("salesforce", "Account", "001A", Map.of("Phone", "1")),
                new EchoPolicy.Write("salesforce", "Account", "001B", Map.of("Name", "Beta")),
                new EchoPolicy.Write("salesforce", "Account", "001B", Map.of("Phone", "2"))));

        // The earlier write's fields are kept, and two writes of one record in the batch add up.
        assertThat(policy.judge(change("tandem", "", Map.of("Name", "Acme", "Phone", "1"))).echo()).isTrue();
        assertThat(policy.judge(new ChangeNotice("salesforce", "Account", "001B", "tandem", "",
                Map.of("Name", "Beta", "Phone", "2"))).echo()).isTrue();
        assertThat(policy.judge(new ChangeNotice("salesforce", "Account", "001B", "tandem", "",
                Map.of("Name", "Other"))).echo()).isFalse();
    }

    @Test
    void aReferenceToARecordCreatedInTheSameWriteMatchesTheIdTheCreateReports() {
        policy.recordWrite("salesforce", "Contact", EchoPolicy.keyRecordId("Clarity_Contact_Key__c", "CON-1"),
                Map.of("Clarity_Contact_Key__c", "CON-1", "LastName", "Doe", "AccountId", EchoPolicy.ANY_REFERENCE));
        ChangeNotice created = new ChangeNotice("salesforce", "Contact", "003NEW", "tandem", "005INT",
                Map.of("Clarity_Contact_Key__c", "CON-1", "LastName", "Doe", "AccountId", "001NEW"));
        assertThat(policy.judgeAll(List.of(created)).getFirst().echo()).isTrue();
    }

    @Test
    void aPersonsChangeIsNeverLookedUpByKey() {
        policy.recordWrite("salesforce", "Account", EchoPolicy.keyRecordId("Clarity_Account_Key__c", "CUST-1"),
                Map.of("Clarity_Account_Key__c", "CUST-1", "Name", "Acme"));
        EchoVerdict verdict = policy.judgeAll(List.of(new ChangeNotice("salesforce", "Account", "001NEW", "", "005PERSON",
                Map.of("Clarity_Account_Key__c", "CUST-1", "Name", "Acme")))).getFirst();
        assertThat(verdict.echo()).isFalse();
        assertThat(verdict.awaiting()).isFalse();
    }

    @Test
    void tandemsOwnWriteComingBackByClientIdIsAnEcho() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme", "AnnualRevenue", 10));

        EchoVerdict verdict = policy.judge(change("tandem", "005OTHER", Map.of("Name", "Acme",
                "AnnualRevenue", 10.0)));

        assertThat(verdict.echo()).isTrue();
        assertThat(verdict.reason()).contains("client tandem");
    }

    @Test
    void theIntegrationUserWithoutClientIdAndTheSameValuesIsAnEcho() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));

        assertThat(policy.judge(change("", "005INT", Map.of("Name", "Acme"))).echo()).isTrue();
    }

    @Test
    void aHumanWritingTheSameValueIsProcessed() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));

        assertThat(policy.judge(change("", "005HUMAN", Map.of("Name", "Acme"))).echo()).isFalse();
    }

    @Test
    void theIntegrationUserWritingADifferentValueIsProcessed() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));

        EchoVerdict verdict = policy.judge(change("otherApp", "005INT", Map.of("Name", "Acme Ltd")));

        assertThat(verdict.echo()).isFalse();
        assertThat(verdict.reason()).contains("Name").doesNotContain("Acme");
    }

    @Test
    void aFieldTandemDidNotWriteMakesItAnOriginalChange() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));

        assertThat(policy.judge(change("tandem", "005INT", Map.of("Name", "Acme", "Rating", "Hot"))).echo())
                .isFalse();
    }

    @Test
    void noFingerprintOrAnExpiredOneMeansProcessed() {
        assertThat(policy.judge(change("tandem", "005INT", Map.of("Name", "Acme"))).echo()).isFalse();

        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));
        clock.now = NOW.plus(Duration.ofHours(1));

        assertThat(policy.judge(change("tandem", "005INT", Map.of("Name", "Acme"))).echo()).isFalse();
        assertThat(policy.purgeExpired()).isEqualTo(1);
    }

    @Test
    void aSecondPartialWriteKeepsTheFieldsOfTheFirst() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Phone", "555"));

        assertThat(policy.judge(change("tandem", "", Map.of("Name", "Acme", "Phone", "555"))).echo()).isTrue();
    }

    @Test
    void nullsAndNumbersCompareByValue() {
        Map<String, Object> written = new HashMap<>();
        written.put("Description", null);
        written.put("Amount", new BigDecimal("12.50"));
        policy.recordWrite("salesforce", "Account", "001A", written);
        Map<String, Object> reported = new HashMap<>();
        reported.put("Description", null);
        reported.put("Amount", 12.5d);

        assertThat(policy.judge(change("tandem", "", reported)).echo()).isTrue();
        assertThat(FieldValues.hash(null)).isNotEqualTo(FieldValues.hash("null"));
        assertThat(FieldValues.hash("10")).isNotEqualTo(FieldValues.hash(10));
        assertThat(List.of(FieldValues.canonical(0.0), FieldValues.canonical(0))).containsOnly("n:0");
    }

    @Test
    void judgingABatchGivesTheSameVerdictsAsOneByOne() {
        policy.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme"));
        List<ChangeNotice> batch = List.of(
                change("tandem", "", Map.of("Name", "Acme")),
                change("", "005HUMAN", Map.of("Name", "Acme")),
                new ChangeNotice("salesforce", "Account", "001B", "tandem", "", Map.of("Name", "Acme")),
                new ChangeNotice("clarity", "Account", "001A", "tandem", "", Map.of("Name", "Acme")));

        assertThat(policy.judgeAll(batch)).extracting(EchoVerdict::echo).containsExactly(true, false, false, false);
        assertThat(policy.judgeAll(batch)).isEqualTo(batch.stream().map(policy::judge).toList());
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static final class MemoryFingerprints implements WriteFingerprints {
        private final Map<String, WriteFingerprint> rows = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void remember(WriteFingerprint f) {
            rows.put(f.system() + "/" + f.entity() + "/" + f.recordId(), f);
        }

        @Override
        public Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now) {
            return Optional.ofNullable(rows.get(system + "/" + entity + "/" + recordId))
                    .filter(f -> f.expiresAt().isAfter(now));
        }

        @Override
        public int purgeExpired(Instant now) {
            int before = rows.size();
            rows.values().removeIf(f -> !f.expiresAt().isAfter(now));
            return before - rows.size();
        }
    }
}
