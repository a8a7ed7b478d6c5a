package dev.tandem.server.backfill;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Progress of a backfill: a bar redrawn in place on a terminal (records read / written / failed, rate, ETA), or one
 * plain line at most every few seconds otherwise (a log file, CI), so the output stays readable either way.
 */
public final class BackfillProgress {

    private static final Duration PLAIN_EVERY = Duration.ofSeconds(5);
    private static final int BAR = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private long started;
    private long lastLine;
    private String object = "";
    private long base;

    /** Progress on {@code out}: the bar when {@code terminal}, plain lines otherwise. */
    public static BackfillProgress forStream(PrintWriter out, boolean terminal) {
        return new BackfillProgress(out, terminal);
    }

    BackfillProgress(PrintWriter out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Whether the JVM's standard output is a terminal (Console.isTerminal, JDK 22+; else a console at all). */
    public static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: System.console() is non-null only for an interactive terminal
        }
    }

    void start(String name, long alreadyRead) {
        object = name;
        base = alreadyRead;
        started = System.nanoTime();
        lastLine = 0;
    }

    /** @param total the number of records Clarity reports for the list, or -1 when unknown */
    void update(long read, long total, long written, long failed, boolean force) {
        long now = System.nanoTime();
        if (!terminal && !force && now - lastLine < PLAIN_EVERY.toNanos()) {
            return;
        }
        lastLine = now;
        double seconds = Math.max((now - started) / 1e9, 1e-3);
        double rate = (read - base) / seconds;
        String eta = total > 0 && rate > 0 && read < total ? format(Duration.ofSeconds((long) ((total - read) / rate)))
                : "-";
        String counts = String.format(Locale.ROOT, "%s: read %,d%s · written %,d · failed %,d · %,.0f/s · ETA %s",
                object, read, total > 0 ? "/" + String.format(Locale.ROOT, "%,d", total) : "", written, failed, rate,
                eta);
        if (terminal) {
            int filled = total > 0 ? (int) Math.min(BAR, BAR * read / Math.max(total, 1)) : 0;
            out.print("\r[" + "#".repeat(filled) + " ".repeat(BAR - filled) + "] " + counts + "\u001b[K");
        } else {
            out.println(counts);
        }
        out.flush();
    }

    /** Ends the bar's line (a terminal) before the summary is printed. */
    void finish() {
        if (terminal) {
            out.println();
        }
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
