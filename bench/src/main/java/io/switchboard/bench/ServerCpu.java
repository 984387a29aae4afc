package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time the server process used during the measured window ({@code --server-pid}, Linux {@code /proc}): user
 * plus system time of all its threads. Unlike a latency percentile it hardly moves with the machine's noise, so it
 * shows what a feature costs (e.g. metrics on and off) where p99 cannot.
 */
final class ServerCpu {

    /** Linux's USER_HZ: {@code /proc/PID/stat} counts CPU time in ticks of 1/100 s on every common platform. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final Path stat;
    private long startTicks = -1;
    private long endTicks = -1;

    private ServerCpu(Path stat) {
        this.stat = stat;
    }

    /** A probe of the process, or null when there is none or it cannot be read (not Linux, process gone). */
    static ServerCpu of(String pid) {
        if (pid == null || pid.isBlank()) {
            return null;
        }
        ServerCpu cpu = new ServerCpu(Path.of("/proc", pid.trim(), "stat"));
        return cpu.ticks() < 0 ? null : cpu;
    }

    void windowStarts() {
        startTicks = ticks();
    }

    void windowEnds() {
        endTicks = ticks();
    }

    /** CPU seconds used in the window, or NaN when a reading failed. */
    double seconds() {
        return startTicks < 0 || endTicks < 0 ? Double.NaN : (endTicks - startTicks) / TICKS_PER_SECOND;
    }

    /** utime + stime; the fields after the command name, which is in parentheses and may hold spaces. */
    private long ticks() {
        try {
            String line = Files.readString(stat);
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // fields[0] is field 3 (state): utime is field 14, stime field 15
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
