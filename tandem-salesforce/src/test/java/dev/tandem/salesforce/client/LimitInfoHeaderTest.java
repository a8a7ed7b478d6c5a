package dev.tandem.salesforce.client;

import dev.tandem.salesforce.model.ApiUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitInfoHeaderTest {

    @Test
    void readsUsedAndMaxFromApiUsage() {
        assertThat(LimitInfoHeader.parse("api-usage=18/5000")).contains(new ApiUsage(18, 5000));
    }

    @Test
    void ignoresTheBurstItem() {
        assertThat(LimitInfoHeader.parse("api-usage=10018/100000; api-bursts=1/750")).contains(new ApiUsage(10018, 100000));
    }

    @Test
    void doesNotMistakePerAppUsageForTheOrgUsage() {
        assertThat(LimitInfoHeader.parse("per-app-api-usage=17/250(appName=sample-connected-app); api-usage=25/5000"))
                .contains(new ApiUsage(25, 5000));
        assertThat(LimitInfoHeader.parse("api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)"))
                .contains(new ApiUsage(25, 5000));
    }

    @Test
    void isEmptyWithoutApiUsage() {
        assertThat(LimitInfoHeader.parse(null)).isEmpty();
        assertThat(LimitInfoHeader.parse("per-app-api-usage=17/250(appName=x)")).isEmpty();
        assertThat(LimitInfoHeader.parse("api-usage=lots")).isEmpty();
    }

    @Test
    void reportsTheUsedShare() {
        assertThat(new ApiUsage(25, 100).fraction()).isEqualTo(0.25);
        assertThat(new ApiUsage(0, 0).fraction()).isZero();
    }
}
