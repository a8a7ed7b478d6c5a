package dev.tandem.clarity.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CidrAllowlistTest {

    private final CidrAllowlist list = CidrAllowlist.parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32, 172.16.0.0/12");

    @Test
    void allowsAddressesInsideAnIpv4Block() {
        assertThat(list.allows("10.1.2.3")).isTrue();
        assertThat(list.allows("172.31.255.255")).isTrue();
        assertThat(list.allows("172.32.0.1")).isFalse();
        assertThat(list.allows("11.0.0.1")).isFalse();
    }

    @Test
    void aBareAddressIsASingleHost() {
        assertThat(list.allows("192.168.1.7")).isTrue();
        assertThat(list.allows("192.168.1.8")).isFalse();
    }

    @Test
    void allowsAddressesInsideAnIpv6Block() {
        assertThat(list.allows("2001:db8:ffff::1")).isTrue();
        assertThat(list.allows("2001:db9::1")).isFalse();
    }

    @Test
    void anIpv4MappedIpv6AddressMatchesAsIpv4() {
        assertThat(list.allows("::ffff:10.9.8.7")).isTrue();
    }

    @Test
    void anEmptyListAllowsNothing() {
        CidrAllowlist empty = CidrAllowlist.parse(List.of());

        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.allows("127.0.0.1")).isFalse();
    }

    @Test
    void aHostNameIsNeverResolvedAndNeverAllowed() {
        assertThat(list.allows("localhost")).isFalse();
        assertThatThrownBy(() -> CidrAllowlist.parse("localhost/8")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("localhost/8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/-1", "10.0.0/8", "256.1.1.1", "10.0.0.0/x", "2001:db8::/129",
            "1234", "10.0.0.1/8", "::1/abc", "10.0.0.0/8/8"})
    void aMalformedEntryIsRejectedNamingIt(String entry) {
        assertThatThrownBy(() -> CidrAllowlist.parse(List.of("127.0.0.1", entry)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(entry);
    }

    @Test
    void zeroPrefixAllowsEveryAddressOfThatFamily() {
        CidrAllowlist any4 = CidrAllowlist.parse("0.0.0.0/0");

        assertThat(any4.allows("203.0.113.9")).isTrue();
        assertThat(any4.allows("2001:db8::1")).isFalse();
    }
}
