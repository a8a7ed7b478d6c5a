package dev.tandem.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class SlackChannelTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Receiver receiver;
    private SlackChannel channel;

    SlackChannelTest() throws java.io.IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void close() {
        receiver.close();
        if (channel != null) {
            channel.close();
        }
    }

    private SlackChannel channel() {
        channel = new SlackChannel(new ChannelSettings.Slack("ops-slack",
                new Secret(receiver.url("/services/T000/B000/XXXXSECRETXXXX").toString()), Duration.ofSeconds(5)));
        return channel;
    }

    @Test
    void postsAnIncomingWebhookMessageWithTextAndBlocks() throws Exception {
        Delivery d = channel().send(Alerts.firing());
        assertThat(d).isEqualTo(new Delivery("ops-slack", true, "HTTP 200"));

        JsonNode body = JSON.readTree(receiver.requests.getFirst().body());
        assertThat(body.get("text").asText()).isEqualTo("[Tandem] FIRING warning dead-letters: 12 dead letters in flow "
                + "order-to-salesforce in the last 15m (threshold 10)");
        JsonNode blocks = body.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).get("text").get("text").asText().length()).isLessThanOrEqualTo(150);
        assertThat(blocks.get(1).get("text").get("type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(1).get("text").get("text").asText()).startsWith("*FIRING*: 12 dead letters");
        JsonNode fields = blocks.get(2).get("fields");
        assertThat(fields.size()).isBetween(1, 10);
        assertThat(fields.get(0).get("text").asText()).isEqualTo("*rule*\ndead-letters (deadLetters)");
        assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");
        assertThat(blocks.get(3).get("elements").get(0).get("text").asText())
                .isEqualTo("<http://tandem.example:8080/api/v1/dead-letters?flow=order-to-salesforce|dead letters>");
    }

    @Test
    void textFromFlowIdsAndReasonsCannotBecomeMentionsOrLinks() throws Exception {
        channel().send(Alerts.hostile());
        String body = receiver.requests.getFirst().text();
        JsonNode json = JSON.readTree(body);
        assertThat(json.get("blocks").get(1).get("text").get("text").asText())
                .contains("&lt;!channel&gt;", "&lt;https://evil.example|click&gt; &amp; more")
                .doesNotContain("<!channel>", "<https://evil.example");
        assertThat(json.get("text").asText()).doesNotContain("<!channel>");
        assertThat(json.get("blocks").get(2).get("fields").toString()).contains("&lt;!channel&gt;")
                .doesNotContain("<!channel>");
    }

    @Test
    void slacksErrorWordIsShownAndItsUrlNever() {
        receiver.status = 404;
        receiver.answer = "channel_not_found";
        Delivery d = channel().send(Alerts.firing());
        assertThat(d).isEqualTo(new Delivery("ops-slack", false, "HTTP 404: channel_not_found"));
        receiver.status = 500;
        receiver.answer = "<html>a page that could say anything</html>";
        assertThat(channel.send(Alerts.firing()).detail()).isEqualTo("HTTP 500");
        assertThat(channel.toString()).doesNotContain("XXXXSECRETXXXX");
    }
}
