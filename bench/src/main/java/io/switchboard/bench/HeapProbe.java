package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's live heap, read with the JDK's {@code jcmd}: {@code GC.class_histogram} runs a full GC first and
 * then counts what is still reachable, so its total is the live heap, per class. The server must be a JVM on this
 * machine that the same user runs (its PID comes from {@code run.sh}).
 */
final class HeapProbe {

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Pattern TOTAL = Pattern.compile("^Total\\s+(\\d+)\\s+(\\d+)");

    /** Live instances and bytes per class, and the totals. */
    record Histogram(long bytes, long instances, Map<String, long[]> byClass, String text) {
        long instancesOf(String className) {
            long[] row = byClass.get(className);
            return row == null ? 0 : row[0];
        }

        /** The classes whose live bytes grew most from {@code before} to this one, largest first. */
        List<String> grownSince(Histogram before, int limit) {
            List<Map.Entry<String, long[]>> rows = new ArrayList<>(byClass.entrySet());
            rows.sort(Comparator.comparingLong(e -> -(e.getValue()[1] - before.bytesOf(e.getKey()))));
            List<String> lines = new ArrayList<>();
            for (Map.Entry<String, long[]> e : rows.subList(0, Math.min(limit, rows.size()))) {
                long grown = e.getValue()[1] - before.bytesOf(e.getKey());
                if (grown <= 0) {
                    break;
                }
                lines.add(String.format(
                        "%+,12d B %+,9d  %s", grown, e.getValue()[0] - before.instancesOf(e.getKey()), e.getKey()));
            }
            return lines;
        }

        /** Live bytes of the classes whose name starts with {@code prefix}, and of arrays of them. */
        long bytesOfPackage(String prefix) {
            return byClass.entrySet().stream()
                    .filter(e -> e.getKey().replaceFirst("^\\[+L", "").startsWith(prefix))
                    .mapToLong(e -> e.getValue()[1])
                    .sum();
        }

        private long bytesOf(String className) {
            long[] row = byClass.get(className);
            return row == null ? 0 : row[1];
        }
    }

    private final long pid;
    private final String jcmd;

    HeapProbe(long pid) {
        this.pid = pid;
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path bundled = javaHome.resolve("bin/jcmd");
        this.jcmd = Files.isExecutable(bundled) ? bundled.toString() : "jcmd";
    }

    /** Full GC, then the live heap by class. */
    Histogram histogram() throws IOException, InterruptedException {
        String output = run("GC.class_histogram");
        Map<String, long[]> byClass = new HashMap<>();
        long bytes = -1;
        long instances = -1;
        for (String line : output.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                byClass.merge(
                        row.group(3), new long[] {Long.parseLong(row.group(1)), Long.parseLong(row.group(2))}, (a, b) ->
                                new long[] {a[0] + b[0], a[1] + b[1]});
                continue;
            }
            Matcher total = TOTAL.matcher(line);
            if (total.find()) {
                instances = Long.parseLong(total.group(1));
                bytes = Long.parseLong(total.group(2));
            }
        }
        if (bytes < 0) {
            throw new IOException("no Total line in jcmd " + pid + " GC.class_histogram: "
                    + output.substring(0, Math.min(output.length(), 300)));
        }
        return new Histogram(bytes, instances, byClass, output);
    }

    /** The server's live threads whose name starts with {@code prefix}. */
    long threads(String prefix) throws IOException, InterruptedException {
        return run("Thread.print")
                .lines()
                .filter(line -> line.startsWith("\"" + prefix))
                .count();
    }

    /** Writes the server's live objects to {@code file} (HPROF), to find what keeps them reachable. */
    void heapDump(Path file) throws IOException, InterruptedException {
        run("GC.heap_dump", file.toAbsolutePath().toString());
    }

    /** Writes the server's thread dump to {@code file}. */
    void threadDump(Path file) throws IOException, InterruptedException {
        Files.writeString(file, run("Thread.print"));
    }

    private String run(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(jcmd, Long.toString(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException("jcmd " + pid + " " + String.join(" ", command) + " failed: "
                    + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
