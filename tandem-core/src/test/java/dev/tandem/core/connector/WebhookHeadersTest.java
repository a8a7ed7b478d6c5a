package dev.tandem.core.connector;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookHeadersTest {

    @Test
    void namesAreLookedUpWhateverTheirCase() {
        WebhookHeaders headers = WebhookHeaders.single(Map.of("X-Clarity-Signature", "t=1,v1=ab"));

        assertThat(headers.first("x-clarity-signature")).hasValue("t=1,v1=ab");
        assertThat(headers.first("X-CLARITY-SIGNATURE")).hasValue("t=1,v1=ab");
        assertThat(headers.first("X-Other")).isEmpty();
    }

    @Test
    void everyValueIsKeptInOrderAndNamesDifferingInCaseAreMerged() {
        Map<String, List<String>> raw = new LinkedHashMap<>();
        raw.put("Via", List.of("1.1 a"));
        raw.put("via", List.of("1.1 b", "1.1 c"));
        WebhookHeaders headers = WebhookHeaders.of(raw);

        assertThat(headers.all("VIA")).containsExactly("1.1 a", "1.1 b", "1.1 c");
        assertThat(headers.first("via")).hasValue("1.1 a");
        assertThat(headers.names()).containsExactly("via");
        assertThat(WebhookHeaders.none().first("via")).isEmpty();
    }

    @Test
    void repliesRenderTheirKind() {
        assertThat(WebhookReply.ok(202, "accepted", Map.of("eventId", "e-1")).successful()).isTrue();
        assertThat(WebhookReply.refused(401, "invalid_signature", "no").successful()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookReply.refused(200, "x", "y"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
