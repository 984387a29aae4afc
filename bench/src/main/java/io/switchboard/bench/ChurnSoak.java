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
        options.put("deadline", "");
        options.put("label", "");
        options.put("target-bytes", "500");
        options.put("out", "target");
        options.put("heap-dump", "false");
        options.put("rounds", "2");
        options.put("control", "false");
        options.put("store", "true");
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
        int rounds = number("rounds", 2, 10);
        boolean control = Boolean.parseBoolean(options.get("control"));
        System.out.printf(
                Locale.ROOT,
                "churn soak %s: %d users, %d rounds of %d connections (%d%% dropped without a close),"
                        + " heap settled %d s after each round%s; server pid %d%n",
                runId,
                users,
                rounds,
                connections,
                number("abrupt", 0, 100),
                settle,
                control ? ", then a control round that stores the same data on connections that stay open" : "",
                pid());
        List<String[]> rows = new ArrayList<>();
        HeapProbe.Histogram start = measure("start", rows, null);
        List<Round> done = new ArrayList<>();
        List<HeapProbe.Histogram> settled = new ArrayList<>();
        List<HeapProbe.Histogram> closedAt = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            done.add(round(r, connections, users, false));
            closedAt.add(measure("round " + r + " closed", rows, start));
            pause(settle);
            settled.add(measure("round " + r + " + " + settle + " s", rows, start));
        }
        Round controlRound = null;
        HeapProbe.Histogram controlSettled = null;
        if (control) {
            controlRound = round(rounds + 1, connections, users, true);
            measure("control closed", rows, start);
            pause(settle);
            controlSettled = measure("control + " + settle + " s", rows, start);
        }

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
        System.out.println();

        // The control round stores the same rows (a new room per room group, a post, a direct message per cycle) on
        // connections that stay open, so what it adds per cycle would be the stored data alone if the database's
        // heap grew with its rows. It does not: H2 keeps its rows in a file and what stays on the heap is its page
        // cache, which grows and shrinks by megabytes (bench/README.md), so this subtraction is shown, not trusted.
        long storedPerCycle = 0;
        if (controlRound != null && controlRound.cycles() > 0) {
            HeapProbe.Histogram before = settled.get(settled.size() - 1);
            storedPerCycle = (controlSettled.bytes() - before.bytes()) / controlRound.cycles();
            System.out.printf(
                    Locale.ROOT,
                    "control: %,d cycles (%,d rooms, %,d messages stored) on %d connections that stayed open,"
                            + " %d failed, %.1f s: %+,d B per cycle of stored data (%+,d B per stored row)%n",
                    controlRound.cycles(),
                    controlRound.rooms(),
                    controlRound.messages(),
                    controlRound.closed(),
                    controlRound.failed(),
                    controlRound.seconds(),
                    storedPerCycle,
                    (controlSettled.bytes() - before.bytes())
                            / Math.max(1, controlRound.rooms() + controlRound.messages()));
            System.out.println("  classes that grew most in the control round:");
            controlSettled.grownSince(before, 12).forEach(line -> System.out.println("    " + line));
        }
        long target = number("target-bytes", 0, 1_000_000);
        boolean storing = Boolean.parseBoolean(options.get("store"));
        long perFirst = (closedAt.get(0).bytes() - start.bytes())
                / Math.max(1, done.get(0).closed());
        System.out.printf(
                Locale.ROOT,
                "round 1: %,d connections closed (%d failed) in %.1f s; %+,d B/connection right after"
                        + " (class loading and JIT included)%n",
                done.get(0).closed(),
                done.get(0).failed(),
                done.get(0).seconds(),
                perFirst);
        long[] perRound = new long[rounds + 1];
        long[] h2PerRound = new long[rounds + 1];
        for (int r = 2; r <= rounds; r++) {
            Round round = done.get(r - 1);
            int n = Math.max(1, round.closed());
            HeapProbe.Histogram before = settled.get(r - 2);
            HeapProbe.Histogram after = settled.get(r - 1);
            perRound[r] = (after.bytes() - before.bytes()) / n;
            h2PerRound[r] = (after.bytesOfPackage("org.h2.") - before.bytesOfPackage("org.h2.")) / n;
            long heldAtClose = (closedAt.get(r - 1).bytes() - before.bytes()) / n;
            System.out.printf(
                    Locale.ROOT,
                    "round %d: %,d connections closed (%d failed; %s) in %.1f s; %+,d B/connection right after,"
                            + " %+,d B/connection %d s later, of which H2's own classes (org.h2.*) %+,d%s%n",
                    r,
                    round.closed(),
                    round.failed(),
                    storing
                            ? String.format(
                                    Locale.ROOT, "%,d rooms and %,d messages stored", round.rooms(), round.messages())
                            : "nothing stored",
                    round.seconds(),
                    heldAtClose,
                    perRound[r],
                    settle,
                    h2PerRound[r],
                    controlRound == null
                            ? ""
                            : String.format(
                                    Locale.ROOT,
                                    "; minus the control round's stored data: %+,d",
                                    (after.bytes() - before.bytes() - storedPerCycle * round.cycles()) / n));
            System.out.println(
                    "  classes that grew most from round " + (r - 1) + " + settle to round " + r + " + settle:");
            after.grownSince(before, 12).forEach(line -> System.out.println("    " + line));
        }
        if (storing) {
            System.out.printf(
                    Locale.ROOT,
                    "round 2: %+,d B per closed connection, the data this round stored included (H2's own classes"
                            + " alone: %+,d); the database's page cache cannot be told apart from connections at this"
                            + " resolution: --store=false measures connections alone (target < %d)%n",
                    perRound[2],
                    h2PerRound[2],
                    target);
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "round 2: %+,d B per closed connection, nothing stored (target < %d: %s)%n",
                    perRound[2],
                    target,
                    perRound[2] < target ? "met" : "MISSED");
        }
        System.out.printf(
                Locale.ROOT,
                "slowest sign-in/ticket request: %d ms; server thread dumps taken during stalls: %d%n",
                TimeUnit.NANOSECONDS.toMillis(slowestHttpNanos.get()),
                stallDumps.get());
        StringBuilder rounds2on = new StringBuilder();
        for (int r = 2; r <= rounds; r++) {
            rounds2on.append(String.format(Locale.ROOT, "%s%+,d", r == 2 ? "" : " / ", perRound[r]));
        }
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %d | %d | %,d | %+,d | %s | %+,d | %,d | %d |%n",
                options.get("label"),
                storing ? "yes" : "no",
                users,
                connections,
                start.bytes(),
                perFirst,
                rounds2on,
                h2PerRound[2],
                settled.get(settled.size() - 1).instancesOf(WATCHED[0]),
                TimeUnit.NANOSECONDS.toMillis(slowestHttpNanos.get()));
        return done.stream().anyMatch(r -> r.closed() == 0) ? 2 : 0;
    }

    // ------------------------------------------------------------------------------------------------ a round

    /**
     * A round's outcome: connections closed, cycles that failed, cycles done (each stored what it was acknowledged
     * for), and the rows it created: rooms (distinct rooms joined) and messages (posts and direct messages acked).
     */
    record Round(int closed, int failed, int cycles, int rooms, long messages, double seconds) {}

    /** What one round stored, counted from the server's answers ({@code joined} of a new room, {@code ack}). */
    private static final class Stored {
        final Set<String> rooms = ConcurrentHashMap.newKeySet();
        final AtomicLong messages = new AtomicLong();
        final AtomicInteger cycles = new AtomicInteger();
    }

    /**
     * {@code connections} cycles spread over the users. A churn round runs each cycle on fresh sockets and closes
     * them; a control round ({@code control}) runs the same cycles, storing the same data, on one connection per
     * user that stays open for the whole round (each cycle leaves its room instead of closing), so its growth is
     * the stored data alone.
     */
    private Round round(int round, int connections, int users, boolean control) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(connections);
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Stored stored = new Stored();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(users, r -> daemon(r, "churn-user"));
        for (int u = 0; u < users; u++) {
            int user = u;
            pool.execute(() -> {
                if (control) {
                    controlUser(round, user, users, left, stored, closed, failed);
                    return;
                }
                for (int cycle = 0; left.getAndDecrement() > 0 && System.nanoTime() < deadlineNanos; cycle++) {
                    try {
                        cycle(round, user, users, cycle, stored);
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
        Round result = new Round(
                closed.get(),
                failed.get(),
                stored.cycles.get(),
                stored.rooms.size(),
                stored.messages.get(),
                (System.nanoTime() - started) / 1e9);
        System.out.printf(
                Locale.ROOT,
                "%s %d: %d connections closed, %d cycles failed, %d cycles, %d rooms and %d messages stored, %.1f s%n",
                control ? "control round" : "round",
                round,
                result.closed(),
                result.failed(),
                result.cycles(),
                result.rooms(),
                result.messages(),
                result.seconds());
        return result;
    }

    /** A control round's user: one connection, cycles on it until the round's count is used up, then a clean close. */
    private void controlUser(
            int round,
            int user,
            int users,
            AtomicInteger left,
            Stored stored,
            AtomicInteger closed,
            AtomicInteger failed) {
        String step = ""; // connectAs names its own steps
        try (ChurnClient ws = connectAs(user)) {
            step = "cycle: ";
            for (int cycle = 0; left.getAndDecrement() > 0 && System.nanoTime() < deadlineNanos; cycle++) {
                String room = store(ws, round, user, users, cycle, stored);
                ws.send("{\"type\":\"leave\",\"room\":\"" + room + "\"}");
                ws.await("left");
            }
            step = "close: ";
            ws.closeCleanly();
            closed.incrementAndGet();
        } catch (IOException | RuntimeException e) {
            if (failed.incrementAndGet() <= 5) {
                System.out.println("  control user " + user + " failed at " + step + e.getMessage());
            }
        }
    }

    /** One user's cycle, on fresh sockets throughout; a failure names the step it failed at. */
    private void cycle(int round, int user, int users, int cycle, Stored stored) throws IOException {
        try (ChurnClient ws = connectAs(user)) {
            String step = "store";
            try {
                store(ws, round, user, users, cycle, stored);
                step = "close";
                if (ThreadLocalRandom.current().nextInt(100) < number("abrupt", 0, 100)) {
                    ws.abort();
                } else {
                    ws.closeCleanly();
                }
            } catch (IOException e) {
                throw new IOException(step + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Signs {@code user} in, takes a ticket and connects to {@code /ws/chat} with it, until welcomed; a failure names
     * the step it failed at (sign-in, ticket, connect, welcome).
     */
    private ChurnClient connectAs(int user) throws IOException {
        String step = "sign-in";
        ChurnClient ws = null;
        try {
            String token = extract(TOKEN, http("/api/auth/dev-login", null, "{\"name\":\"" + userName(user) + "\"}"));
            step = "ticket";
            String ticket = extract(TICKET, http("/api/auth/ticket", token, null));
            step = "connect";
            ws = ChurnClient.connect(server, contextRoot + "/ws/chat?ticket=" + ticket);
            step = "welcome";
            ws.await("welcome");
            return ws;
        } catch (IOException | RuntimeException e) {
            if (ws != null) {
                try {
                    ws.close();
                } catch (IOException closeFailed) {
                    e.addSuppressed(closeFailed);
                }
            }
            throw new IOException(step + ": " + e.getMessage(), e);
        }
    }

    /**
     * What every cycle does on its open connection. With {@code --store=true} (the default) it stores data: joins a
     * room that is new in this cycle (shared by {@code --room-size} users), posts to it and sends a direct message to
     * the next user, each acknowledged; it counts the rows created (the room once, each acknowledged message). With
     * {@code --store=false} it stores nothing: it joins its group's room (the same in every cycle and round, so it is
     * created once, in the first cycle), sends {@code typing} (relayed to the room, never stored) and a {@code ping}
     * answered with {@code pong}. Returns the room.
     */
    private String store(ChurnClient ws, int round, int user, int users, int cycle, Stored stored) throws IOException {
        boolean storing = Boolean.parseBoolean(options.get("store"));
        String group = "-g" + user / number("room-size", 1, 1000);
        String room = storing ? "churn-" + runId + "-r" + round + "-c" + cycle + group : "churn-" + runId + group;
        String id = runId + "-" + round + "-" + user + "-" + cycle;
        String step = "join";
        try {
            ws.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            ws.await("joined");
            if (!storing) {
                step = "typing";
                ws.send("{\"type\":\"typing\",\"room\":\"" + room + "\",\"active\":true}");
                step = "ping";
                ws.send("{\"type\":\"ping\",\"ref\":\"" + id + "\"}");
                ws.await("pong");
                stored.cycles.incrementAndGet();
                return room;
            }
            stored.rooms.add(room);
            step = "post";
            ws.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"churn " + id + "\",\"clientId\":\"p" + id
                    + "\"}");
            ws.await("ack");
            stored.messages.incrementAndGet();
            step = "direct";
            ws.send("{\"type\":\"direct\",\"to\":\"" + userName((user + 1) % users) + "\",\"text\":\"dm " + id
                    + "\",\"clientId\":\"d" + id + "\"}");
            ws.await("ack");
            stored.messages.incrementAndGet();
            stored.cycles.incrementAndGet();
            return room;
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
        Path histogram =
                Path.of(options.get("out"), "churn-" + runId + "-" + stage.replaceAll("[^a-z0-9]+", "-") + ".histo");
        Files.createDirectories(histogram.getParent());
        Files.writeString(histogram, h.text());
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
        if (options.get("deadline").isEmpty()) {
            options.put(
                    "deadline", Integer.toString(defaultDeadline(number("rounds", 2, 10), number("settle", 0, 900))));
        }
        deadlineNanos = System.nanoTime()
                + TimeUnit.SECONDS.toNanos(number("deadline", 60, 7200))
                - TimeUnit.SECONDS.toNanos(30);
        number("users", 1, 1000);
        number("connections", 1, 8000);
    }

    /** Seconds a run may take by default: each round (the control round too) 240 s plus its settling time. */
    static int defaultDeadline(int rounds, int settle) {
        return Math.min(7200, 120 + (rounds + 1) * (240 + settle));
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
