package dev.tandem.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** What a result was measured on: printed at the start and end of every harness run. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        return String.format("%s, %d cores (%s), JDK %s (%s), max heap %,d MiB",
                Instant.now(), Runtime.getRuntime().availableProcessors(), cpuModel(),
                Runtime.version(), System.getProperty("java.vm.vendor"),
                Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }

    /** The 1/5/15-minute load average, as uptime prints it (Linux; "n/a" elsewhere). */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return one < 0 ? "n/a" : String.format("%.2f", one);
        }
    }

    private static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture is all we can say
        }
        return System.getProperty("os.arch");
    }
}
