package dev.tandem.core.echo;

/**
 * What the echo policy decided about one change.
 *
 * @param echo   true when the change is Tandem's own write coming back and must not be processed again
 * @param reason why, for the audit trail (never field values)
 */
public record EchoVerdict(boolean echo, String reason) {

    static EchoVerdict echo(String reason) {
        return new EchoVerdict(true, reason);
    }

    static EchoVerdict original(String reason) {
        return new EchoVerdict(false, reason);
    }
}
