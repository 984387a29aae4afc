package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Presence at scale: a reconnect storm into one room. {@code --members} users (default 10,000) connect and join one
 * fresh room (the fill); then every connection is dropped at once (TCP reset, as when a node or the network goes) and
 * all of them reconnect with a fresh ticket and join again at once (the storm, as after a deploy). It reports how long
 * the fill and the storm took until the last {@code joined}, and how many {@code presence}, {@code occupancy} and other
 * frames the members received in each phase (until {@code --settle} seconds after the last {@code joined}).
 *
 * <p>One selector thread serves every connection (a minimal RFC 6455 client: handshake, unfragmented text frames read
 * for their {@code type}, pings answered); tickets are fetched {@code --concurrency} at a time, each connection starting
 * as soon as its ticket arrives. Only 127.0.0.1 / localhost; bounded by {@code --deadline}.
 */
public final class StormBench {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final String USAGE = "usage: StormBench --url=ws://127.0.0.1:8080/ws/chat [--members=10000]"
            + " [--concurrency=50] [--settle=3] [--deadline=1800] [--jwt-secret=S --jwt-issuer=switchboard"
            + " --jwt-audience=A] [--label=L]";

    /** Frame counts of one phase. */
    static final class Phase {
        final String name;
        final AtomicInteger joined = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger retries = new AtomicInteger();
        final AtomicLong presence = new AtomicLong();
        final AtomicLong occupancy = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong other = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile long lastJoinedNanos;
        volatile long lastTicketNanos;
        volatile long start;

        Phase(String name) {
            this.name = name;
        }
    }

    private final InetSocketAddress address;
    private final String host;
    private final String path;
    private final byte[] joinFrame;
    private final String room;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Conn> conns = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private volatile Phase phase;
    private volatile boolean dropping;
    private volatile boolean running = true;
    private final Semaphore inFlight;

    private StormBench(URI url, String room, int concurrency) throws IOException {
        String h = url.getHost();
        this.address = new InetSocketAddress(h.startsWith("[") ? h.substring(1, h.length() - 1) : h, url.getPort());
        this.host = h + ":" + url.getPort();
        this.path = url.getRawPath() + "?ticket=";
        this.room = room;
        this.joinFrame = ("{\"type\":\"join\",\"room\":\"" + room + "\"}").getBytes(StandardCharsets.UTF_8);
        this.selector = Selector.open();
        this.inFlight = new Semaphore(concurrency);
    }

    public static void main(String[] args) {
        int code;
        try {
            code = run(parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("storm bench: " + e.getMessage());
            System.err.println(USAGE);
            code = 64;
        } catch (Throwable e) {
            System.err.println("storm bench failed: " + e);
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.exit(code);
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("options are --name=value, was: " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static int integer(Map<String, String> options, String name, int defaultValue, int min, int max) {
        String value = options.getOrDefault(name, Integer.toString(defaultValue));
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new IllegalArgumentException("--" + name + " must be " + min + "-" + max + ", was: " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, was: " + value);
        }
    }

    static int run(Map<String, String> options) throws Exception {
        URI url = URI.create(options.getOrDefault("url", "ws://127.0.0.1:8080/ws/chat"));
        if (!"ws".equals(url.getScheme())
                || url.getHost() == null
                || url.getPort() < 0
                || !LOOPBACK.contains(url.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--url must be ws://127.0.0.1:PORT/…/ws/chat, was: " + url);
        }
        int members = integer(options, "members", 10_000, 1, 19_000);
        int concurrency = integer(options, "concurrency", 50, 1, 10_000);
        int settle = integer(options, "settle", 3, 0, 60);
        int deadline = integer(options, "deadline", 1_800, 10, 24 * 3_600);
        FanOutBench.startWatchdog(deadline);
        ExecutorService http = Executors.newFixedThreadPool(2, FanOutBench.daemonThreads("storm-auth"));
        Auth auth = new Auth(
                url,
                options.getOrDefault("jwt-secret", "").trim(),
                options.getOrDefault("jwt-issuer", "switchboard").trim(),
                options.getOrDefault("jwt-audience", "").trim(),
                Duration.ofSeconds(deadline + 300L),
                http);
        String runId = Long.toString(System.currentTimeMillis(), 36);
        StormBench bench = new StormBench(url, "storm-" + runId, concurrency);
        System.out.printf(
                Locale.ROOT,
                "storm bench: %s, room %s, %d members, %d tickets/handshakes in flight, hard deadline %d s%n",
                url,
                bench.room,
                members,
                concurrency,
                deadline);
        System.out.println("sign-in: " + auth.describe());
        Thread io = new Thread(bench::loop, "storm-io");
        io.setDaemon(true);
        io.start();

        // tokens first (not timed: a token outlives a reconnect; each connection needs a fresh ticket)
        List<Auth.Token> tokens = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            tokens.add(null);
        }
        long signInStart = System.nanoTime();
        Semaphore signing = new Semaphore(Math.min(concurrency, 16));
        List<java.util.concurrent.CompletableFuture<Void>> signIns = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            int n = i;
            signing.acquire();
            signIns.add(auth.token(user(runId, n)).handle((token, error) -> {
                signing.release();
                if (error != null) {
                    throw new IllegalStateException("sign-in failed: " + FanOutBench.rootCause(error));
                }
                synchronized (tokens) {
                    tokens.set(n, token);
                }
                return null;
            }));
        }
        java.util.concurrent.CompletableFuture.allOf(signIns.toArray(new java.util.concurrent.CompletableFuture[0]))
                .get(deadline, TimeUnit.SECONDS);
        System.out.printf(
                Locale.ROOT, "signed in %d users in %.1f s%n", members, (System.nanoTime() - signInStart) / 1e9);

        Phase fill = new Phase("fill");
        double fillSeconds = bench.connectAll(auth, tokens, fill, deadline);
        if (fillSeconds < 0) {
            bench.report(fill, -1, settle, members);
            return 1;
        }
        bench.report(fill, fillSeconds, settle, members);

        Phase storm = new Phase("storm");
        bench.phase = storm;
        long dropStart = System.nanoTime();
        bench.dropAll();
        double stormSeconds = bench.connectAll(auth, tokens, storm, deadline, dropStart);
        bench.report(storm, stormSeconds, settle, members);
        bench.running = false;
        bench.selector.wakeup();
        io.join(2_000);
        synchronized (bench.notes) {
            bench.notes.forEach(note -> System.out.println("note: " + note));
        }
        System.out.printf(
                Locale.ROOT,
                "RESULT%s: %d members, reconnect storm: all rejoined in %s (target 30 s)%n",
                options.containsKey("label") ? " " + options.get("label") : "",
                members,
                stormSeconds < 0 ? "NOT ALL (see above)" : String.format(Locale.ROOT, "%.1f s", stormSeconds));
        return stormSeconds < 0 ? 1 : 0;
    }

    private static String user(String runId, int n) {
        return "s" + runId + "-" + n;
    }

    private double connectAll(Auth auth, List<Auth.Token> tokens, Phase phase, int deadline) throws Exception {
        this.phase = phase;
        return connectAll(auth, tokens, phase, deadline, System.nanoTime());
    }

    /** Connects every member (ticket, handshake, join); seconds from {@code start} until the last joined, -1 if not. */
    private double connectAll(Auth auth, List<Auth.Token> tokens, Phase phase, int deadline, long start)
            throws Exception {
        int members = tokens.size();
        phase.start = start;
        for (int i = 0; i < members; i++) {
            Auth.Token token = tokens.get(i);
            if (!inFlight.tryAcquire(deadline, TimeUnit.SECONDS)) {
                break;
            }
            ticket(auth, token, phase, 1);
        }
        long until = start + TimeUnit.SECONDS.toNanos(deadline);
        while (phase.joined.get() + phase.failed.get() < members && System.nanoTime() < until) {
            Thread.sleep(20); // polling the counters of the I/O thread; nothing is timed by this sleep
        }
        if (phase.joined.get() < members) {
            return -1;
        }
        return (phase.lastJoinedNanos - start) / 1e9;
    }

    /** A ticket, then the connection; a ticket request that fails is tried again, 3 times at most. */
    private void ticket(Auth auth, Auth.Token token, Phase phase, int attempt) {
        auth.ticket(token).whenComplete((ticket, error) -> {
            if (error == null) {
                phase.lastTicketNanos = System.nanoTime();
                submit(() -> open(ticket, phase));
            } else if (attempt < 3) {
                phase.retries.incrementAndGet();
                ticket(auth, token, phase, attempt + 1);
            } else {
                phase.failed.incrementAndGet();
                inFlight.release();
                note("ticket failed 3 times: " + FanOutBench.rootCause(error));
            }
        });
    }

    private void report(Phase phase, double seconds, int settle, int members) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(settle)); // late occupancy/presence frames of the phase are counted
        System.out.printf(
                Locale.ROOT,
                "%-5s: %d of %d joined%s (last ticket at %.1f s), %d failed (%d ticket retries); frames received by all members: presence %,d, occupancy %,d,"
                        + " errors %,d, other %,d (%,d bytes)%n",
                phase.name,
                phase.joined.get(),
                members,
                seconds < 0 ? "" : String.format(Locale.ROOT, " in %.1f s", seconds),
                (phase.lastTicketNanos - phase.start) / 1e9,
                phase.failed.get(),
                phase.retries.get(),
                phase.presence.get(),
                phase.occupancy.get(),
                phase.errors.get(),
                phase.other.get(),
                phase.bytes.get());
    }

    private void note(String note) {
        synchronized (notes) {
            if (notes.size() < 10) {
                notes.add(note);
            }
        }
    }

    private void submit(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Drops every connection with a TCP reset, at once, on the I/O thread; returns when done. */
    private void dropAll() throws InterruptedException {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        submit(() -> {
            dropping = true;
            for (Conn c : conns) {
                c.abort();
            }
            conns.clear();
            dropping = false;
            done.countDown();
        });
        if (!done.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("dropping the connections took over 60 s");
        }
    }

    private void open(String ticket, Phase phase) {
        Conn c = new Conn(phase);
        conns.add(c);
        try {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.ticket = ticket;
            if (c.channel.connect(address)) {
                c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
                c.handshake();
            } else {
                c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException e) {
            c.fail("connect: " + e);
        }
    }

    private void loop() {
        while (running) {
            try {
                selector.select(100);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    Conn c = (Conn) key.attachment();
                    try {
                        if (!key.isValid()) {
                            continue;
                        }
                        if (key.isConnectable() && c.channel.finishConnect()) {
                            key.interestOps(SelectionKey.OP_READ);
                            c.handshake();
                        }
                        if (key.isValid() && key.isWritable()) {
                            c.flush();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read();
                        }
                    } catch (IOException | RuntimeException e) {
                        c.fail(e.toString());
                    }
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                note("I/O loop: " + e);
            }
        }
    }

    /** One member's connection; touched by the I/O thread only. */
    private final class Conn {
        final Phase phase;
        SocketChannel channel;
        SelectionKey key;
        String ticket;
        ByteBuffer in = ByteBuffer.allocate(4_096);
        ByteBuffer out;
        String accept;
        boolean upgraded;
        boolean joined;
        boolean done;

        Conn(Phase phase) {
            this.phase = phase;
        }

        void handshake() throws IOException {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String wsKey = Base64.getEncoder().encodeToString(nonce);
            accept = accept(wsKey);
            write(("GET " + path + ticket + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + wsKey
                            + "\r\nSec-WebSocket-Protocol: switchboard.v1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }

        void read() throws IOException {
            int n = channel.read(in);
            if (n < 0) {
                closed("the server closed the connection");
                return;
            }
            in.flip();
            if (!upgraded) {
                String head = StandardCharsets.ISO_8859_1.decode(in.duplicate()).toString();
                int end = head.indexOf("\r\n\r\n");
                if (end < 0) {
                    in.compact();
                    return;
                }
                if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept)) {
                    fail("handshake refused: "
                            + head.substring(0, Math.min(end, 200)).replace("\r\n", " | "));
                    return;
                }
                upgraded = true;
                in.position(end + 4);
            }
            frames();
            if (in.position() == 0 && in.limit() == in.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2); // a frame larger than the buffer
                bigger.put(in);
                in = bigger;
            } else {
                in.compact();
            }
        }

        /** Parses every complete frame in {@code in} (read mode), leaving a partial one. */
        private void frames() throws IOException {
            while (in.remaining() >= 2) {
                int start = in.position();
                int b0 = in.get(start) & 0xFF;
                int b1 = in.get(start + 1) & 0x7F;
                int header = 2;
                long length = b1;
                if (b1 == 126) {
                    if (in.remaining() < 4) {
                        return;
                    }
                    length = in.getShort(start + 2) & 0xFFFF;
                    header = 4;
                } else if (b1 == 127) {
                    if (in.remaining() < 10) {
                        return;
                    }
                    length = in.getLong(start + 2);
                    header = 10;
                }
                if (length > 16 * 1024 * 1024) {
                    throw new IOException("frame of " + length + " bytes");
                }
                if (in.remaining() < header + length) {
                    return;
                }
                byte[] payload = new byte[(int) length];
                in.position(start + header);
                in.get(payload);
                int opcode = b0 & 0x0F;
                if (opcode == 0x1) {
                    text(payload);
                } else if (opcode == 0x9) {
                    control(0xA, payload);
                } else if (opcode == 0x8) {
                    closed("close frame " + (payload.length >= 2 ? ((payload[0] & 0xFF) << 8 | payload[1] & 0xFF) : 0));
                    return;
                }
            }
        }

        private void text(byte[] payload) throws IOException {
            phase.bytes.addAndGet(payload.length);
            String frame = new String(payload, StandardCharsets.UTF_8);
            int at = frame.indexOf("\"type\":\"");
            String type = at < 0 ? "" : frame.substring(at + 8, frame.indexOf('"', at + 8));
            switch (type) {
                case "welcome" -> write(frame(0x1, joinFrame));
                case "joined" -> {
                    if (!joined) {
                        joined = true;
                        phase.lastJoinedNanos = System.nanoTime();
                        phase.joined.incrementAndGet();
                        inFlight.release();
                    }
                }
                case "presence" -> phase.presence.incrementAndGet();
                case "occupancy" -> phase.occupancy.incrementAndGet();
                case "error" -> {
                    phase.errors.incrementAndGet();
                    note("error frame: " + frame);
                }
                default -> phase.other.incrementAndGet();
            }
        }

        private void control(int opcode, byte[] payload) throws IOException {
            write(frame(opcode, payload));
        }

        private byte[] frame(int opcode, byte[] payload) {
            int header = payload.length < 126 ? 2 : 4;
            byte[] f = new byte[header + 4 + payload.length];
            f[0] = (byte) (0x80 | opcode);
            if (header == 2) {
                f[1] = (byte) (0x80 | payload.length);
            } else {
                f[1] = (byte) (0x80 | 126);
                f[2] = (byte) (payload.length >>> 8);
                f[3] = (byte) payload.length;
            }
            int mask = ThreadLocalRandom.current().nextInt();
            for (int i = 0; i < 4; i++) {
                f[header + i] = (byte) (mask >>> (8 * i));
            }
            for (int i = 0; i < payload.length; i++) {
                f[header + 4 + i] = (byte) (payload[i] ^ f[header + (i & 3)]);
            }
            return f;
        }

        private void write(byte[] bytes) throws IOException {
            if (out != null && out.hasRemaining()) {
                ByteBuffer joinedOut = ByteBuffer.allocate(out.remaining() + bytes.length);
                joinedOut.put(out).put(bytes).flip();
                out = joinedOut;
            } else {
                out = ByteBuffer.wrap(bytes);
            }
            flush();
        }

        void flush() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void abort() {
            done = true;
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException e) {
                // closing anyway
            }
            closeChannel();
        }

        private void closed(String why) {
            if (!dropping && !done) {
                note("connection closed: " + why);
                fail(why);
            }
            closeChannel();
        }

        void fail(String why) {
            if (!done && !joined) {
                done = true;
                phase.failed.incrementAndGet();
                inFlight.release();
                note(why);
            }
            closeChannel();
        }

        private void closeChannel() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // gone
            }
        }
    }

    private static String accept(String key) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
