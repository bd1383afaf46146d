package io.incidenttracker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The harness's progress lines on standard output, each with the time and the machine's load average, which every
 * figure is read against on a shared machine.
 */
final class Console {

    private Console() {
    }

    static void step(String message) {
        System.out.println("[bench " + DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.now()).substring(0, 8)
                + " load " + loadAverage() + "] " + message);
    }

    /** The one-minute load average from {@code /proc/loadavg}; NaN where there is none. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
