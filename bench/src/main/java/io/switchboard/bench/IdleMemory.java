package io.switchboard.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What an idle connection costs the server's heap ({@code --idle=true}): the live heap (full GC, {@code jcmd
 * GC.class_histogram}) when half of the members have joined and again when all have, so the figure is the cost of
 * one more connection joined to the room, without the one-time costs of the first ones (class loading, pools, the
 * room itself).
 */
final class IdleMemory {

    private final HeapProbe probe;
    /** Where both readings are saved as {@code idle-half.histo} and {@code idle-all.histo}, or null. */
    private final Path out;

    private HeapProbe.Histogram half;
    private int halfCount;

    IdleMemory(long serverPid, Path out) {
        this.probe = new HeapProbe(serverPid);
        this.out = out;
    }

    private void save(String name, HeapProbe.Histogram histogram) throws IOException {
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve(name), histogram.text());
        }
    }

    /** The reading at half: {@code connected} members joined so far. */
    void atHalf(int connected) throws IOException, InterruptedException {
        half = probe.histogram();
        halfCount = connected;
        save("idle-half.histo", half);
        System.out.printf(Locale.ROOT, "idle: %d joined, live heap %,d B%n", connected, half.bytes());
    }

    /** The reading with every member joined, and the cost per connection between the two readings. */
    void report(String label, int connected) throws IOException, InterruptedException {
        FanOutBench.sleepNanos(5_000_000_000L); // let the last joins' transient garbage and tasks go
        HeapProbe.Histogram all = probe.histogram();
        save("idle-all.histo", all);
        int added = connected - halfCount;
        if (half == null || added <= 0) {
            System.out.println("idle: too few members joined to measure");
            return;
        }
        long perConnection = (all.bytes() - half.bytes()) / added;
        System.out.printf(
                Locale.ROOT,
                "idle: %d joined, live heap %,d B: %,d B per connection over the last %d%n",
                connected,
                all.bytes(),
                perConnection,
                added);
        System.out.println("  classes that grew most, bytes and instances for all " + added + ":");
        all.grownSince(half, 20).forEach(line -> System.out.println("    " + line));
        System.out.println();
        System.out.println(
                "| server | idle connections | live heap at half | live heap at all | bytes per connection |");
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %,d | %,d | %,d |%n",
                label.isBlank() ? "?" : label,
                connected,
                half.bytes(),
                all.bytes(),
                perConnection);
    }
}
