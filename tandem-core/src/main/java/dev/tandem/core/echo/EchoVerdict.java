package dev.tandem.core.echo;

/**
 * What the echo policy decided about one change.
 *
 * @param echo     true when the change is Tandem's own write coming back and must not be processed again
 * @param reason   why, for the audit trail (never field values)
 * @param awaiting true when the change was made by Tandem's identity but no fingerprint of Tandem's is there (yet):
 *                 a record Tandem has just created reports its change before the write call has returned the id
 *                 the fingerprint is stored under
 */
public record EchoVerdict(boolean echo, String reason, boolean awaiting) {

    public EchoVerdict(boolean echo, String reason) {
        this(echo, reason, false);
    }

    static EchoVerdict echo(String reason) {
        return new EchoVerdict(true, reason);
    }

    static EchoVerdict original(String reason) {
        return new EchoVerdict(false, reason);
    }

    static EchoVerdict awaitingFingerprint(String reason) {
        return new EchoVerdict(false, reason, true);
    }
}
