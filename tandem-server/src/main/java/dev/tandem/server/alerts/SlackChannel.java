package dev.tandem.server.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Posts alerts to a Slack incoming webhook (https://api.slack.com/messaging/webhooks) or anything that speaks its
 * format (Mattermost, Rocket.Chat): {@code {"text": <fallback>, "blocks": [...]}}, a header, the summary, the fields
 * and the links as Block Kit blocks (https://api.slack.com/reference/block-kit/blocks). Slack answers {@code 200 ok},
 * or an error word such as {@code invalid_payload} or {@code channel_not_found}, which the delivery shows.
 */
public final class SlackChannel implements AlertChannel {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Block Kit limits: a header's text 150 characters, a section's text 3000, a field's 2000. */
    private static final int HEADER_MAX = 150;
    private static final int SECTION_MAX = 3000;

    private final ChannelSettings.Slack settings;
    private final URI url;
    private final HttpDelivery http;

    public SlackChannel(ChannelSettings.Slack settings) {
        this.settings = settings;
        this.url = URI.create(settings.url().reveal());
        this.http = new HttpDelivery(settings.timeout());
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Delivery send(Alert alert) {
        return http.post(name(), url, body(alert), Map.of(), true);
    }

    /** The message: {@code text} for notifications and clients without blocks, {@code blocks} for the layout. */
    static byte[] body(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", escape(AlertText.title(a)));
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("text", AlertText.clean(AlertText.title(a), HEADER_MAX));
        String summary = (a.state() == Alert.State.TEST ? "*TEST ALERT: nothing is wrong.* " : "")
                + "*" + a.state().name() + "*: " + escape(a.summary());
        section(blocks, summary);
        ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
        for (String[] field : AlertText.fields(a)) {
            fields.addObject().put("type", "mrkdwn").put("text", "*" + escape(field[0]) + "*\n" + escape(field[1]));
        }
        if (!a.links().isEmpty()) {
            StringBuilder links = new StringBuilder();
            for (Alert.Link link : a.links()) {
                links.append(links.isEmpty() ? "" : " · ").append('<').append(link.url()).append('|')
                        .append(escape(link.label())).append('>');
            }
            blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", cut(links.toString()));
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert as JSON", e);
        }
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", cut(mrkdwn));
    }

    private static String cut(String text) {
        return text.length() <= SECTION_MAX ? text : text.substring(0, SECTION_MAX - 1) + "…";
    }

    /**
     * Slack's three control characters in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping): a
     * flow id or a reason can never become a link or a mention.
     */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    public List<String> secrets() {
        return List.of(settings.url().reveal());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "SlackChannel[" + settings.name() + "]";
    }
}
