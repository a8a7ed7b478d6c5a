package dev.tandem.server.alerts;

import dev.tandem.core.config.Durations;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Properties;

/**
 * Sends alerts as plain-text e-mail over SMTP with Jakarta Mail (Eclipse Angus Mail,
 * https://eclipse-ee4j.github.io/angus-mail/), with STARTTLS required or SMTPS, the server's certificate and host name
 * checked, and timeouts on connect, read and write (the {@code mail.smtp.*} properties of
 * https://eclipse-ee4j.github.io/angus-mail/docs/api/org.eclipse.angus.mail/org/eclipse/angus/mail/smtp/package-summary.html).
 */
public final class EmailChannel implements AlertChannel {

    private final ChannelSettings.Email settings;
    private final Session session;

    public EmailChannel(ChannelSettings.Email settings) {
        this.settings = settings;
        this.session = Session.getInstance(properties(settings));
    }

    static Properties properties(ChannelSettings.Email s) {
        String p = s.ssl() ? "mail.smtps." : "mail.smtp.";
        Properties props = new Properties();
        String timeout = Long.toString(s.timeout().toMillis());
        props.setProperty(p + "host", s.host());
        props.setProperty(p + "port", Integer.toString(s.port()));
        props.setProperty(p + "connectiontimeout", timeout);
        props.setProperty(p + "timeout", timeout);
        props.setProperty(p + "writetimeout", timeout);
        props.setProperty(p + "auth", Boolean.toString(s.username() != null));
        props.setProperty("mail.smtp.starttls.enable", Boolean.toString(s.startTls()));
        props.setProperty("mail.smtp.starttls.required", Boolean.toString(s.startTls()));
        props.setProperty(p + "ssl.checkserveridentity", "true");
        props.setProperty(p + "from", s.from());
        return props;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Delivery send(Alert alert) {
        String where = settings.host() + ":" + settings.port();
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(new InternetAddress(settings.from(), true));
            List<InternetAddress> to = new ArrayList<>();
            for (String address : settings.to()) {
                to.add(new InternetAddress(address, true));
            }
            message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
            message.setSubject(AlertText.title(alert), "UTF-8");
            message.setText(AlertText.body(alert), "UTF-8");
            message.setSentDate(Date.from(alert.at()));
            message.setHeader("X-Tandem-Alert-Id", alert.id());
            try (Transport transport = session.getTransport(settings.ssl() ? "smtps" : "smtp")) {
                if (settings.username() != null) {
                    transport.connect(settings.username(), settings.password().reveal());
                } else {
                    transport.connect();
                }
                transport.sendMessage(message, message.getAllRecipients());
            }
            return Delivery.ok(name(), "accepted by " + where + " for " + to.size() + " recipient"
                    + (to.size() == 1 ? "" : "s"));
        } catch (AuthenticationFailedException e) {
            return Delivery.failed(name(), "SMTP authentication refused by " + where + reply(e));
        } catch (SMTPAddressFailedException e) {
            return Delivery.failed(name(), "SMTP refused a recipient: " + e.getReturnCode() + reply(e));
        } catch (SMTPSendFailedException e) {
            return Delivery.failed(name(), "SMTP refused the message: " + e.getReturnCode() + reply(e));
        } catch (SendFailedException e) {
            return Delivery.failed(name(), "SMTP refused the message" + reply(e));
        } catch (MessagingException e) {
            return Delivery.failed(name(), cause(e, where));
        } catch (RuntimeException e) {
            return Delivery.failed(name(), "cannot send (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The server's reply, first line, bounded: it says why (e.g. {@code 535 5.7.8 authentication failed}). */
    private static String reply(MessagingException e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? "" : " (" + AlertText.clean(m.lines().findFirst().orElse(""), 200) + ")";
    }

    private String cause(MessagingException e, String where) {
        Throwable c = e.getCause() != null ? e.getCause() : e;
        if (c instanceof ConnectException) {
            return "connection to " + where + " refused";
        }
        if (c instanceof SocketTimeoutException) {
            return "no answer from " + where + " within " + Durations.format(settings.timeout());
        }
        if (c instanceof UnknownHostException) {
            return "unknown host " + settings.host();
        }
        if (c instanceof javax.net.ssl.SSLException) {
            return "TLS with " + where + " failed (" + c.getClass().getSimpleName() + ")";
        }
        return "SMTP with " + where + " failed" + reply(e);
    }

    @Override
    public List<String> secrets() {
        return settings.password() == null ? List.of() : List.of(settings.password().reveal());
    }

    @Override
    public String toString() {
        return "EmailChannel[" + settings.name() + " → " + settings.host() + ":" + settings.port() + "]";
    }
}
