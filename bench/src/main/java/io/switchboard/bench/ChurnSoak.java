package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Churn soak: does the server give back the memory of connections that come and go? A pool of users runs cycles,
 * each on fresh sockets: sign in ({@code POST /api/auth/dev-login}), get a ticket, open {@code /ws/chat}, join a
 * room that is new in every cycle, post, send a direct message, and close (the close handshake, or a dropped socket
 * for {@code --abrupt} percent of them). Two equal rounds of {@code --connections} such cycles run; the server's live
 * heap (full GC, then {@code jcmd GC.class_histogram}) is read before, right after each round and {@code --settle}
 * seconds after it. The figure that counts is what round 2 adds, settled to settled, per closed connection: round 1
 * also pays for class loading, JIT and pools that only grow once.
 *
 * <p>Only loopback targets are accepted; every round is bounded in count and the whole run by {@code --deadline}.
 * When a sign-in or ticket request has been waiting for {@code --stall} seconds, the server's threads are dumped
 * (at most three times) to {@code bench/target/churn-stall-*.txt}.
 */
public final class ChurnSoak {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final Pattern TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TICKET = Pattern.compile("\"ticket\"\\s*:\\s*\"([^\"]+)\"");
    private static final String[] WATCHED = {
        "org.glassfish.grizzly.nio.transport.TCPNIOConnection",
        "io.undertow.server.protocol.http.HttpServerConnection",
        "io.switchboard.websocket.Connection"
    };

    private final Map<String, String> options = new LinkedHashMap<>();
    private final String runId = Long.toString(System.currentTimeMillis() % 1_000_000, 36);
    private final Map<Thread, Long> httpInFlight = new ConcurrentHashMap<>();
    private final AtomicInteger stallDumps = new AtomicInteger();
    private final AtomicLong slowestHttpNanos = new AtomicLong();
    private InetSocketAddress server;
    private String contextRoot;
    private HeapProbe heap;
    private long deadlineNanos;

    private ChurnSoak() {
        options.put("url", "ws://127.0.0.1:8080/ws/chat");
        options.put("users", "200");
        options.put("connections", "3000");
        options.put("room-size", "10");
        options.put("abrupt", "0");
        options.put("settle", "90");
        options.put("stall", "5");
        options.put("server-pid", "");
        options.put("deadline", "900");
        options.put("label", "");
        options.put("target-bytes", "500");
        options.put("out", "target");
        options.put("heap-dump", "false");
    }

    public static void main(String[] args) throws Exception {
        ChurnSoak soak = new ChurnSoak();
        try {
            soak.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(64);
        }
        ScheduledExecutorService watchdog =
                Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "churn-watchdog"));
        watchdog.schedule(
                () -> {
                    System.err.println("churn soak: the hard deadline was reached");
                    System.exit(3);
                },
                soak.number("deadline", 60, 7200),
                TimeUnit.SECONDS);
        watchdog.scheduleWithFixedDelay(soak::dumpIfStalled, 1, 1, TimeUnit.SECONDS);
        System.exit(soak.run());
    }

    private int run() throws Exception {
        int connections = number("connections", 1, 8000);
        int users = number("users", 1, 1000);
        int settle = number("settle", 0, 900);
        System.out.printf(
                Locale.ROOT,
                "churn soak %s: %d users, 2 rounds of %d connections (%d%% dropped without a close),"
                        + " heap settled %d s after each round; server pid %d%n",
                runId,
                users,
                connections,
                number("abrupt", 0, 100),
                settle,
                heap == null ? -1 : pid());
        List<String[]> rows = new ArrayList<>();
        HeapProbe.Histogram start = measure("start", rows, null);
        Round first = round(1, connections, users);
        HeapProbe.Histogram afterFirst = measure("round 1 closed", rows, start);
        pause(settle);
        HeapProbe.Histogram settledFirst = measure("round 1 + " + settle + " s", rows, start);
        Round second = round(2, connections, users);
        HeapProbe.Histogram afterSecond = measure("round 2 closed", rows, start);
        pause(settle);
        HeapProbe.Histogram settledSecond = measure("round 2 + " + settle + " s", rows, start);

        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "%-18s %12s %12s %10s %12s %8s %14s%n",
                "live heap",
                "bytes",
                "vs start",
                "TCPNIOConn",
                "UndertowConn",
                "sb.Conn",
                "Payara workers");
        rows.forEach(r -> System.out.printf(Locale.ROOT, "%-18s %12s %12s %10s %12s %8s %14s%n", (Object[]) r));
        long perFirst = (afterFirst.bytes() - start.bytes()) / Math.max(1, first.closed());
        long perSecond = (settledSecond.bytes() - settledFirst.bytes()) / Math.max(1, second.closed());
        long heldAtClose = (afterSecond.bytes() - settledFirst.bytes()) / Math.max(1, second.closed());
        long target = number("target-bytes", 0, 1_000_000);
        System.out.printf(
                Locale.ROOT,
                "round 1: %,d connections closed (%d failed) in %.1f s; %+,d B/connection right after"
                        + " (class loading and JIT included)%n",
                first.closed(),
                first.failed(),
                first.seconds(),
                perFirst);
        System.out.printf(
                Locale.ROOT,
                "round 2: %,d connections closed (%d failed) in %.1f s; %+,d B/connection right after,"
                        + " %+,d B/connection %d s later (target < %d: %s)%n",
                second.closed(),
                second.failed(),
                second.seconds(),
                heldAtClose,
                perSecond,
                settle,
                target,
                perSecond < target ? "met" : "MISSED");
        System.out.printf(
                Locale.ROOT,
                "slowest sign-in/ticket request: %d ms; server thread dumps taken during stalls: %d%n",
                TimeUnit.NANOSECONDS.toMillis(slowestHttpNanos.get()),
                stallDumps.get());
        System.out.println("classes that grew most from round 1 + settle to round 2 + settle:");
        settledSecond.grownSince(settledFirst, 12).forEach(line -> System.out.println("  " + line));
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %d | %,d | %+,d | %+,d | %,d | %d |%n",
                options.get("label"),
                users,
                connections,
                start.bytes(),
                perFirst,
                perSecond,
                settledSecond.instancesOf(WATCHED[0]),
                TimeUnit.NANOSECONDS.toMillis(slowestHttpNanos.get()));
        return first.closed() == 0 || second.closed() == 0 ? 2 : 0;
    }

    // ------------------------------------------------------------------------------------------------ a round

    record Round(int closed, int failed, double seconds) {}

    private Round round(int round, int connections, int users) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(connections);
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(users, r -> daemon(r, "churn-user"));
        for (int u = 0; u < users; u++) {
            int user = u;
            pool.execute(() -> {
                for (int cycle = 0; left.getAndDecrement() > 0 && System.nanoTime() < deadlineNanos; cycle++) {
                    try {
                        cycle(round, user, users, cycle);
                        closed.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        if (failed.incrementAndGet() <= 5) {
                            System.out.println("  cycle failed (user " + user + "): " + e.getMessage());
                        }
                    }
                }
            });
        }
        pool.shutdown();
        long wait = Math.max(0, deadlineNanos - System.nanoTime());
        if (!pool.awaitTermination(wait, TimeUnit.NANOSECONDS)) {
            pool.shutdownNow();
        }
        Round result = new Round(closed.get(), failed.get(), (System.nanoTime() - started) / 1e9);
        System.out.printf(
                Locale.ROOT,
                "round %d: %d closed, %d failed, %.1f s%n",
                round,
                result.closed(),
                result.failed(),
                result.seconds());
        return result;
    }

    /** One user's cycle, on fresh sockets throughout; a failure names the step it failed at. */
    private void cycle(int round, int user, int users, int cycle) throws IOException {
        String step = "sign-in";
        try {
            String token = extract(TOKEN, http("/api/auth/dev-login", null, "{\"name\":\"" + userName(user) + "\"}"));
            step = "ticket";
            String ticket = extract(TICKET, http("/api/auth/ticket", token, null));
            String room = "churn-" + runId + "-r" + round + "-c" + cycle + "-g" + user / number("room-size", 1, 1000);
            String id = runId + "-" + round + "-" + user + "-" + cycle;
            step = "connect";
            try (ChurnClient ws = ChurnClient.connect(server, contextRoot + "/ws/chat?ticket=" + ticket)) {
                step = "welcome";
                ws.await("welcome");
                step = "join";
                ws.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
                ws.await("joined");
                step = "post";
                ws.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"churn " + id + "\",\"clientId\":\"p"
                        + id + "\"}");
                ws.await("ack");
                step = "direct";
                ws.send("{\"type\":\"direct\",\"to\":\"" + userName((user + 1) % users) + "\",\"text\":\"dm " + id
                        + "\",\"clientId\":\"d" + id + "\"}");
                ws.await("ack");
                step = "close";
                if (ThreadLocalRandom.current().nextInt(100) < number("abrupt", 0, 100)) {
                    ws.abort();
                } else {
                    ws.closeCleanly();
                }
            }
        } catch (IOException e) {
            throw new IOException(step + ": " + e.getMessage(), e);
        }
    }

    private String userName(int user) {
        return "ch" + runId + "u" + user;
    }

    private String http(String path, String bearer, String json) throws IOException {
        long started = System.nanoTime();
        httpInFlight.put(Thread.currentThread(), started);
        try {
            return ChurnClient.post(server, contextRoot + path, bearer, json);
        } finally {
            httpInFlight.remove(Thread.currentThread());
            long took = System.nanoTime() - started;
            slowestHttpNanos.accumulateAndGet(took, Math::max);
            if (took > TimeUnit.SECONDS.toNanos(number("stall", 1, 60))) {
                System.out.printf(
                        Locale.ROOT, "  slow request: POST %s took %d ms%n", path, TimeUnit.NANOSECONDS.toMillis(took));
            }
        }
    }

    /** A thread dump of the server while a sign-in or ticket request has waited longer than {@code --stall}. */
    private void dumpIfStalled() {
        long limit = System.nanoTime() - TimeUnit.SECONDS.toNanos(number("stall", 1, 60));
        boolean stalled = httpInFlight.values().stream().anyMatch(started -> started < limit);
        if (!stalled || heap == null || stallDumps.get() >= 3) {
            return;
        }
        Path file = Path.of(options.get("out"), "churn-stall-" + runId + "-" + stallDumps.incrementAndGet() + ".txt");
        try {
            Files.createDirectories(file.getParent());
            heap.threadDump(file);
            System.out.println("  a request has waited over " + options.get("stall") + " s: server threads dumped to "
                    + file.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("  thread dump failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------------ heap

    private HeapProbe.Histogram measure(String stage, List<String[]> rows, HeapProbe.Histogram start)
            throws IOException, InterruptedException {
        HeapProbe.Histogram h = heap.histogram();
        rows.add(new String[] {
            stage,
            String.format(Locale.ROOT, "%,d", h.bytes()),
            start == null ? "" : String.format(Locale.ROOT, "%+,d", h.bytes() - start.bytes()),
            Long.toString(h.instancesOf(WATCHED[0])),
            Long.toString(h.instancesOf(WATCHED[1])),
            Long.toString(h.instancesOf(WATCHED[2])),
            Long.toString(heap.threads("http-thread-pool"))
        });
        System.out.printf(Locale.ROOT, "%s: live heap %,d B%n", stage, h.bytes());
        if (Boolean.parseBoolean(options.get("heap-dump")) && stage.contains(" + ")) {
            Path file = Path.of(
                    options.get("out"), "churn-" + runId + "-" + stage.replaceAll("[^a-z0-9]+", "-") + ".hprof");
            heap.heapDump(file);
            System.out.println("  heap dump: " + file.toAbsolutePath());
        }
        return h;
    }

    private static void pause(int seconds) throws InterruptedException {
        if (seconds > 0) {
            System.out.printf(Locale.ROOT, "settling %d s%n", seconds);
            TimeUnit.SECONDS.sleep(seconds);
        }
    }

    // ------------------------------------------------------------------------------------------------ options

    private void parse(String[] args) {
        for (String arg : args) {
            if (arg.isBlank()) {
                continue;
            }
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0 || !options.containsKey(arg.substring(2, eq))) {
                throw new IllegalArgumentException("unknown option: " + arg + "; options: " + options.keySet());
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        URI url = URI.create(options.get("url"));
        if (!"ws".equals(url.getScheme())
                || !LOOPBACK.contains(url.getHost())
                || url.getPort() < 0
                || !url.getRawPath().endsWith("/ws/chat")) {
            throw new IllegalArgumentException(
                    "--url must be ws://127.0.0.1:PORT[/context]/ws/chat (loopback, plain), was: " + url);
        }
        server = new InetSocketAddress(url.getHost().replace("[", "").replace("]", ""), url.getPort());
        contextRoot = url.getRawPath().substring(0, url.getRawPath().length() - "/ws/chat".length());
        if (options.get("server-pid").isEmpty()) {
            throw new IllegalArgumentException("--server-pid is required: the soak reads the server's heap with jcmd");
        }
        heap = new HeapProbe(pid());
        deadlineNanos = System.nanoTime()
                + TimeUnit.SECONDS.toNanos(number("deadline", 60, 7200))
                - TimeUnit.SECONDS.toNanos(30);
        number("users", 1, 1000);
        number("connections", 1, 8000);
    }

    private long pid() {
        return number("server-pid", 1, Integer.MAX_VALUE);
    }

    private int number(String key, int min, int max) {
        String value = options.get(key);
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(
                        "--" + key + " must be between " + min + " and " + max + ", was: " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, was: " + value);
        }
    }

    private static String extract(Pattern pattern, String body) throws IOException {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IOException("unexpected answer: " + body.substring(0, Math.min(200, body.length())));
        }
        return m.group(1);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
