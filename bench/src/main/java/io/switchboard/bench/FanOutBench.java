package io.switchboard.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * Fan-out benchmark of Switchboard's chat: N member connections join one fresh room, one more connection posts to
 * it at a fixed rate, and every member measures how many messages reach it and how late.
 *
 * <p>Latency is the member's {@link System#nanoTime()} at receipt minus the time the message was <em>due</em> to be
 * sent (the run's start plus its place in the publisher's fixed schedule), which the publisher writes into the message
 * text; both run in this JVM, so the clocks agree. A tick that fires late (a busy machine, a pause of this JVM) or a
 * publisher socket that falls behind therefore shows up as latency, not as a lower rate or a later start: no
 * coordinated omission. Several publishers ({@code --publishers}) share the rate, each its own user and connection. Messages sent during the warm-up are not counted; the measured window is the
 * {@code --seconds} after it, judged by send time (loss, latency) and by receive time (throughput).
 *
 * <p>Every connection is authenticated as the server requires: each member is its own user, signed in (development
 * login, or a token signed with {@code --jwt-secret}) and given a fresh one-time ticket right before it connects; see
 * {@link Auth}.
 *
 * <p>Only loopback targets are accepted. Every phase is bounded and a watchdog ends the process at a hard deadline.
 */
public final class FanOutBench {

    /** Time origin of the run, so that embedded times are positive. */
    private static final long ORIGIN = System.nanoTime();
    /** Latencies are recorded in microseconds up to this value; larger ones are clamped to it. */
    private static final long MAX_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(120);
    /** Posts whose first and last receivers are tracked (sequence numbers below this; 45 min at 100 msg/s). */
    private static final int POST_SLOTS = 1 << 18;
    /** Longest chat text the server accepts (Fields.MAX_TEXT). */
    private static final int MAX_TEXT = 4_000;

    private static final Set<String> LOOPBACK_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    static long now() {
        return System.nanoTime() - ORIGIN;
    }

    // ------------------------------------------------------------------------------------------------ options

    static final class Options {
        final Map<String, String> values = new LinkedHashMap<>();

        Options() {
            values.put("url", "ws://127.0.0.1:8080/ws/chat");
            values.put("members", "1000");
            values.put("rate", "100");
            values.put("publishers", "4");
            values.put("member-urls", "");
            values.put("idle", "false");
            values.put("transport", "ws");
            values.put("out", "");
            values.put("server-pid", "");
            values.put("seconds", "20");
            values.put("warmup", "10");
            values.put("size", "100");
            values.put("connect-concurrency", "50");
            values.put("client", "nio");
            values.put("nio-threads", "1");
            values.put(
                    "clients", String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
            values.put("client-threads", "2");
            values.put("setup-timeout", "180");
            values.put("drain", "10");
            values.put("deadline", "");
            values.put("label", "");
            values.put("jwt-secret", "");
            values.put("jwt-issuer", "switchboard");
            values.put("jwt-audience", "");
        }

        static final String USAGE = String.join(
                "\n",
                "Usage: FanOutBench [--key=value ...]",
                "  --url=ws://127.0.0.1:8080/ws/chat  chat endpoint (loopback hosts only)",
                "  --members=1000             member connections, all in one fresh room",
                "  --member-urls=URL,URL      spread the members round robin over these chat endpoints (nodes of one",
                "                             cluster); default: --url. Publishers, sign-in and tickets use --url",
                "  --rate=100                 messages per second posted to the room (by all publishers together)",
                "  --publishers=4             publishing connections (users), each posting rate/publishers msg/s, staggered",
                "  --seconds=20               measured window, in seconds",
                "  --warmup=10                warm-up before the window, in seconds (not counted)",
                "  --size=100                 message text length in characters (at least ~40, at most 4000)",
                "  --connect-concurrency=50   connections being opened and joined at once",
                "  --client=nio               members' WebSocket client: nio (a minimal selector-based client, cheap on CPU)",
                "                             or jdk (java.net.http, one HttpClient per --clients); the publisher always uses jdk",
                "  --nio-threads=1            selector threads of the nio client (all member sockets are spread over them)",
                "  --clients=max(2,cores)     java.net.http clients (each has its own selector thread); with --client=nio",
                "                             only the publisher's single client is made",
                "  --client-threads=2         executor threads per java.net.http client",
                "  --setup-timeout=180        seconds allowed to connect and join all members",
                "  --drain=10                 seconds to wait after the window for late deliveries",
                "  --deadline=auto            hard limit for the whole run in seconds",
                "                             (auto: warmup+seconds+setup-timeout+drain+30)",
                "  --label=TEXT               first column of the printed results row (e.g. payara)",
                "  --transport=ws             the members' transport: ws, or sse (the fallback: Server-Sent Events + POST,",
                "                             read by --client: nio or jdk); publishers always use WebSocket",
                "  --idle=false               true: connect and join the members, publish nothing, and report the server's",
                "                             live heap per idle connection (needs --server-pid; run.sh --mode=idle sets both)",
                "  --server-pid=PID           the server's process: its CPU time in the window (/proc), its heap (jcmd) in --idle mode",
                "  --out=DIR                  --idle: save both heap histograms there (idle-half.histo, idle-all.histo)",
                "  --jwt-secret=SECRET        sign HS256 tokens with the server's switchboard.auth.jwt.secret (>= 32 bytes)",
                "                             instead of signing in with its development login (POST /api/auth/dev-login)",
                "  --jwt-issuer=switchboard   iss of tokens signed with --jwt-secret (switchboard.auth.jwt.issuer)",
                "  --jwt-audience=            aud of tokens signed with --jwt-secret (switchboard.auth.jwt.audience), if any",
                "Every connection opens with a fresh one-time ticket (POST /api/auth/ticket) fetched right before it connects.");

        static Options parse(String[] args) {
            Options options = new Options();
            for (String arg : args) {
                if (arg.isBlank()) {
                    continue;
                }
                if (arg.equals("--help") || arg.equals("-h")) {
                    System.out.println(USAGE);
                    System.exit(0);
                }
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("expected --key=value, got: " + arg);
                }
                String key = arg.substring(2, eq);
                if (!options.values.containsKey(key)) {
                    throw new IllegalArgumentException("unknown option --" + key);
                }
                options.values.put(key, arg.substring(eq + 1));
            }
            return options;
        }

        String string(String key) {
            return values.get(key);
        }

        int integer(String key, int min, int max) {
            String value = values.get(key);
            int parsed;
            try {
                parsed = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + key + " must be a whole number, was: " + value);
            }
            if (parsed < min || parsed > max) {
                throw new IllegalArgumentException(
                        "--" + key + " must be between " + min + " and " + max + ", was: " + parsed);
            }
            return parsed;
        }
    }

    // ------------------------------------------------------------------------------------------------ frames

    /** Indexes of {@code needle} in {@code s} from {@code from}, or -1; no allocation. */
    static int indexOf(CharSequence s, String needle, int from) {
        int n = s.length() - needle.length();
        char first = needle.charAt(0);
        outer:
        for (int i = Math.max(from, 0); i <= n; i++) {
            if (s.charAt(i) != first) {
                continue;
            }
            for (int j = 1; j < needle.length(); j++) {
                if (s.charAt(i + j) != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean regionIs(CharSequence s, int at, String expected) {
        if (at < 0 || at + expected.length() > s.length()) {
            return false;
        }
        for (int j = 0; j < expected.length(); j++) {
            if (s.charAt(at + j) != expected.charAt(j)) {
                return false;
            }
        }
        return true;
    }

    static final String TYPE_KEY = "\"type\":\"";
    static final String TEXT_KEY = "\"text\":\"t";

    /** Kinds of server frames the benchmark tells apart; everything else (presence, typing, ...) is OTHER. */
    enum Kind {
        MESSAGE,
        WELCOME,
        JOINED,
        ACK,
        ERROR,
        OTHER
    }

    /** The frame's {@code type}: the first "type" key, which JSON-B writes first in every top-level frame. */
    static Kind kindOf(CharSequence frame) {
        int at = indexOf(frame, TYPE_KEY, 0);
        if (at < 0) {
            return Kind.OTHER;
        }
        at += TYPE_KEY.length();
        if (regionIs(frame, at, "message\"")) {
            return Kind.MESSAGE;
        }
        if (regionIs(frame, at, "ack\"")) {
            return Kind.ACK;
        }
        if (regionIs(frame, at, "welcome\"")) {
            return Kind.WELCOME;
        }
        if (regionIs(frame, at, "joined\"")) {
            return Kind.JOINED;
        }
        if (regionIs(frame, at, "error\"")) {
            return Kind.ERROR;
        }
        return Kind.OTHER;
    }

    /**
     * Over the window's posts: when each post's first receiver got it and how long until its last one did. A high
     * "first" is a delay before the fan-out (the post's handling, a pause); a high "spread" is the fan-out itself.
     */
    private static void printPostSpans(Run run) {
        Histogram first = new Histogram(MAX_LATENCY_MICROS, 2);
        Histogram last = new Histogram(MAX_LATENCY_MICROS, 2);
        Histogram spread = new Histogram(MAX_LATENCY_MICROS, 2);
        for (int slot = 0; slot < POST_SLOTS; slot++) {
            long firstNanos = run.firstReceiver.get(slot);
            if (firstNanos != 0) {
                long lastNanos = run.lastReceiver.get(slot);
                first.recordValue(Math.min((firstNanos - 1) / 1_000, MAX_LATENCY_MICROS));
                last.recordValue(Math.min((lastNanos - 1) / 1_000, MAX_LATENCY_MICROS));
                spread.recordValue(Math.min((lastNanos - firstNanos) / 1_000, MAX_LATENCY_MICROS));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "per post (ms)    first receiver p50 %.2f p99 %.2f, last p50 %.2f p99 %.2f, spread p50 %.2f p99 %.2f"
                        + " (%d posts)%n",
                ms(first, 50),
                ms(first, 99),
                ms(last, 50),
                ms(last, 99),
                ms(spread, 50),
                ms(spread, 99),
                first.getTotalCount());
    }

    /** Message text: {@code t<sendNanos>s<seq> xxxx...}, padded to the size. */
    static String text(long sendNanos, long seq, int size) {
        StringBuilder text = new StringBuilder(Math.max(size, 48))
                .append('t')
                .append(sendNanos)
                .append('s')
                .append(seq)
                .append(' ');
        while (text.length() < size) {
            text.append('x');
        }
        return text.toString();
    }

    // ------------------------------------------------------------------------------------------------ run state

    /** Shared state of one run. */
    static final class Run {
        final String room;
        final String joinFrame;
        /** Publishers: message number n of publisher k carries sequence n * publishers + k in its text. */
        final int publishers;
        /** Measured window by send time, [start, end) in {@link #now()} nanoseconds; nothing counts until set. */
        volatile long windowStart = Long.MAX_VALUE;

        volatile long windowEnd = Long.MAX_VALUE;
        volatile boolean closing;
        final AtomicLong errorFrames = new AtomicLong();
        final AtomicInteger unexpectedCloses = new AtomicInteger();
        /** {@code rate_limited} error frames: the server's inbound limits are below the publishing rate. */
        final AtomicLong rateLimited = new AtomicLong();
        /** Time from asking for a member's token to holding its ticket, in microseconds; guarded by itself. */
        final Histogram signInMicros = new Histogram(MAX_LATENCY_MICROS, 2);
        /**
         * Per post of the window (by its sequence number), the latency of its first and of its last receiver, in
         * nanoseconds: tells a delay before the fan-out starts (first) from the time the fan-out takes (last - first).
         */
        final AtomicLongArray firstReceiver = new AtomicLongArray(POST_SLOTS);

        final AtomicLongArray lastReceiver = new AtomicLongArray(POST_SLOTS);

        final List<String> notes = new ArrayList<>();

        Run(String room, int publishers) {
            this.room = room;
            this.publishers = publishers;
            this.joinFrame = "{\"type\":\"join\",\"room\":\"" + room + "\"}";
        }

        /** One receiver got post {@code seq} of the window {@code latency} ns after it was due (allocates nothing). */
        void receivedPost(long seq, long latency) {
            if (seq >= POST_SLOTS) {
                return;
            }
            int slot = (int) seq;
            long first;
            while (((first = firstReceiver.get(slot)) == 0 || latency + 1 < first)
                    && !firstReceiver.compareAndSet(slot, first, latency + 1)) {
                // another receiver of the same post: try again
            }
            long last;
            while (latency + 1 > (last = lastReceiver.get(slot))
                    && !lastReceiver.compareAndSet(slot, last, latency + 1)) {
                // as above
            }
        }

        void note(String note) {
            synchronized (notes) {
                if (notes.size() < 10) {
                    notes.add(note);
                } else if (notes.size() == 10) {
                    notes.add("(further notes left out)");
                }
            }
        }
    }

    /**
     * One connection. Listener calls for one WebSocket never overlap (java.net.http guarantees it), so the fields
     * below are only touched by one thread at a time; the lock is uncontended except when the main thread reads
     * the statistics.
     */
    static class Member implements WebSocket.Listener {
        final String name;
        final Run run;
        final CompletableFuture<Void> joined = new CompletableFuture<>();
        volatile WebSocket socket;
        volatile boolean closed;
        /** How far connecting has got, for the note when it times out. */
        volatile String stage = "signing in";

        private StringBuilder partial;
        private boolean welcomed;

        // statistics, guarded by this
        long messages;
        long inWindow;
        long receivedDuringWindow;
        long outOfOrder;
        /** Last sequence seen from each publisher (the server keeps each publisher's order; see Run#publishers). */
        final long[] lastSeq;

        long maxLatencyNanos;
        final AbstractHistogram latencyMicros;
        /** The part of {@link #latencyMicros} sent in the window's second half: a growing backlog shows as a rise. */
        final AbstractHistogram lateLatencyMicros;

        Member(String name, Run run, boolean measures) {
            this.name = name;
            this.run = run;
            // 2 significant digits: 1 % resolution in about 10 KB per member
            this.latencyMicros = measures ? new IntCountsHistogram(MAX_LATENCY_MICROS, 2) : null;
            this.lateLatencyMicros = measures ? new IntCountsHistogram(MAX_LATENCY_MICROS, 2) : null;
            this.lastSeq = new long[measures ? run.publishers : 0];
            java.util.Arrays.fill(lastSeq, -1);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            stage = "waiting for welcome";
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long received = now();
            if (!last || partial != null) {
                if (partial == null) {
                    partial = new StringBuilder(512);
                }
                partial.append(data);
                if (last) {
                    CharSequence whole = partial;
                    partial = null;
                    frame(webSocket, whole, received);
                }
            } else {
                frame(webSocket, data, received);
            }
            webSocket.request(1);
            return null;
        }

        void frame(WebSocket webSocket, CharSequence frame, long received) {
            switch (kindOf(frame)) {
                case MESSAGE -> message(frame, received);
                case WELCOME -> {
                    if (!welcomed) {
                        welcomed = true;
                        stage = "waiting for joined";
                        sendJoin(webSocket).whenComplete((ws, error) -> {
                            if (error != null) {
                                joined.completeExceptionally(error);
                            }
                        });
                    }
                }
                case JOINED -> joined.complete(null);
                case ACK -> acked(frame);
                case ERROR -> {
                    run.errorFrames.incrementAndGet();
                    if (indexOf(frame, "\"rate_limited\"", 0) >= 0 && run.rateLimited.getAndIncrement() > 0) {
                        return; // the first one is noted; the hint at the end says what to do
                    }
                    run.note(name + " got " + frame);
                }
                default -> {
                    // presence, typing, pong, ...: not part of the measurement
                }
            }
        }

        void acked(CharSequence frame) {
            // only the publisher gets acks
        }

        /** Sends the {@code join} once {@code welcome} came. */
        CompletableFuture<?> sendJoin(WebSocket webSocket) {
            return webSocket.sendText(run.joinFrame, true);
        }

        void message(CharSequence frame, long received) {
            if (latencyMicros == null) {
                return;
            }
            int at = indexOf(frame, TEXT_KEY, 0);
            if (at < 0) {
                return; // not one of ours
            }
            int i = at + TEXT_KEY.length();
            long sent = 0;
            char c;
            while (i < frame.length() && (c = frame.charAt(i)) >= '0' && c <= '9') {
                sent = sent * 10 + (c - '0');
                i++;
            }
            if (i >= frame.length() || frame.charAt(i) != 's') {
                return;
            }
            i++;
            long seq = 0;
            while (i < frame.length() && (c = frame.charAt(i)) >= '0' && c <= '9') {
                seq = seq * 10 + (c - '0');
                i++;
            }
            record(sent, seq, received);
        }

        /** Counts one {@code message} frame of ours: embedded send time and sequence number, receive time. */
        final void record(long sent, long seq, long received) {
            long windowStart = run.windowStart;
            long windowEnd = run.windowEnd;
            synchronized (this) {
                messages++;
                int from = (int) (seq % lastSeq.length);
                if (seq <= lastSeq[from]) {
                    outOfOrder++;
                } else {
                    lastSeq[from] = seq;
                }
                if (sent >= windowStart && sent < windowEnd) {
                    inWindow++;
                    long latency = Math.max(0, received - sent);
                    if (latency > maxLatencyNanos) {
                        maxLatencyNanos = latency;
                    }
                    long micros = Math.min(latency / 1_000, MAX_LATENCY_MICROS);
                    latencyMicros.recordValue(micros);
                    run.receivedPost(seq, latency);
                    if (sent >= windowStart + (windowEnd - windowStart) / 2) {
                        lateLatencyMicros.recordValue(micros);
                    }
                }
                if (received >= windowStart && received < windowEnd) {
                    receivedDuringWindow++;
                }
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            gone("closed by the server: " + statusCode + " " + reason, null);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            gone("failed: " + error, error);
        }

        /** Whether a connection was ever established (it is closed at the end). */
        boolean connected() {
            return socket != null;
        }

        /** Whether the connection is still open for reading. */
        boolean open() {
            WebSocket ws = socket;
            return ws != null && !ws.isInputClosed();
        }

        final void gone(String what, Throwable error) {
            if (closed) {
                return;
            }
            closed = true;
            if (!joined.isDone()) {
                joined.completeExceptionally(error != null ? error : new IllegalStateException(what));
            }
            if (!run.closing) {
                run.unexpectedCloses.incrementAndGet();
                run.note(name + " " + what);
            }
        }
    }

    /**
     * The extra connection that posts; it joins the room too but is not counted as a member. It also measures
     * post-to-ack time (the server's store-and-publish time plus both socket hops), to tell server from client delay.
     */
    static final class Publisher extends Member {
        private static final int SENT_SLOTS = 1 << 16;
        final String clientIdPrefix;
        final String clientIdKey;
        final int size;
        final AtomicLong acks = new AtomicLong();
        /** Send time of post n in slot n % SENT_SLOTS, for the ack's latency. */
        final AtomicLongArray sentAt = new AtomicLongArray(SENT_SLOTS);
        /** Post-to-ack times of posts sent in the window, in microseconds; guarded by this. */
        final Histogram ackMicros = new Histogram(MAX_LATENCY_MICROS, 2);

        final AtomicInteger pending = new AtomicInteger();
        final AtomicLong sendErrors = new AtomicLong();
        final int maxPending;
        /** This publisher's place among the run's publishers; its sequence numbers are n * publishers + index. */
        final int index;

        private CompletableFuture<?> chain = CompletableFuture.completedFuture(null);
        private long seq;
        // written by the scheduler thread only, read after it has stopped
        long posted;
        long postedInWindow;
        long skipped;
        long skippedInWindow;

        Publisher(String name, Run run, int index, String clientIdPrefix, int size, int rate) {
            super(name, run, false);
            this.index = index;
            this.clientIdPrefix = clientIdPrefix;
            this.clientIdKey = "\"clientId\":\"" + clientIdPrefix;
            this.size = size;
            this.maxPending = Math.max(100, rate * 5);
        }

        @Override
        void acked(CharSequence frame) {
            long received = now();
            acks.incrementAndGet();
            int at = indexOf(frame, clientIdKey, 0);
            if (at < 0) {
                return;
            }
            long n = 0;
            char c;
            for (int i = at + clientIdKey.length();
                    i < frame.length() && (c = frame.charAt(i)) >= '0' && c <= '9';
                    i++) {
                n = n * 10 + (c - '0');
            }
            long sent = sentAt.get((int) (n % SENT_SLOTS));
            if (sent >= run.windowStart && sent < run.windowEnd) {
                synchronized (this) {
                    ackMicros.recordValue(Math.min(Math.max(0, received - sent) / 1_000, MAX_LATENCY_MICROS));
                }
            }
        }

        /** One fixed-rate tick: posts one message stamped with the time it was due (not when the tick ran). */
        void tick(long due) {
            long sent = due;
            boolean inWindow = sent >= run.windowStart && sent < run.windowEnd;
            if (sent >= run.windowEnd) {
                return;
            }
            long n = seq++;
            if (pending.get() >= maxPending) {
                // the socket cannot take more: do not queue without bound
                skipped++;
                if (inWindow) {
                    skippedInWindow++;
                }
                return;
            }
            String frame = "{\"type\":\"post\",\"room\":\"" + run.room + "\",\"text\":\""
                    + text(sent, n * run.publishers + index, size)
                    + "\",\"clientId\":\"" + clientIdPrefix + n + "\"}";
            posted++;
            sentAt.set((int) (n % SENT_SLOTS), sent);
            if (inWindow) {
                postedInWindow++;
            }
            pending.incrementAndGet();
            WebSocket ws = socket;
            // java.net.http allows one outstanding send: queue each behind the previous one
            chain = chain.exceptionally(e -> null)
                    .thenCompose(x -> ws.sendText(frame, true))
                    .whenComplete((x, error) -> {
                        pending.decrementAndGet();
                        if (error != null && sendErrors.getAndIncrement() == 0) {
                            run.note("publisher send failed: " + error);
                        }
                    });
        }

        CompletableFuture<?> lastSend() {
            return chain;
        }
    }

    // ------------------------------------------------------------------------------------------------ main

    public static void main(String[] args) {
        int code;
        try {
            code = run(Options.parse(args));
        } catch (IllegalArgumentException e) {
            System.err.println("fan-out bench: " + e.getMessage());
            System.err.println(Options.USAGE);
            code = 64;
        } catch (Throwable e) {
            System.err.println("fan-out bench failed:");
            e.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    static int run(Options options) throws Exception {
        URI url = URI.create(options.string("url"));
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new IllegalArgumentException("--url must be ws:// or wss://, was: " + url);
        }
        if (url.getHost() == null || !LOOPBACK_HOSTS.contains(url.getHost().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "--url must point at this machine (127.0.0.1, localhost or [::1]), was: " + url);
        }
        int members = options.integer("members", 1, 100_000);
        int rate = options.integer("rate", 1, 100_000);
        int publisherCount = options.integer("publishers", 1, Math.min(rate, 64));
        int seconds = options.integer("seconds", 1, 3_600);
        int warmup = options.integer("warmup", 0, 3_600);
        int size = options.integer("size", 1, MAX_TEXT);
        int connectConcurrency = options.integer("connect-concurrency", 1, 10_000);
        String clientKind = options.string("client").trim().toLowerCase(Locale.ROOT);
        if (!clientKind.equals("nio") && !clientKind.equals("jdk")) {
            throw new IllegalArgumentException("--client must be nio or jdk, was: " + clientKind);
        }
        String transport = options.string("transport").trim().toLowerCase(Locale.ROOT);
        if (!transport.equals("ws") && !transport.equals("sse")) {
            throw new IllegalArgumentException("--transport must be ws or sse, was: " + transport);
        }
        boolean sse = transport.equals("sse");
        boolean nio = clientKind.equals("nio");
        int nioThreads = options.integer("nio-threads", 1, 64);
        int clientCount = nio ? 1 : options.integer("clients", 1, 64);
        int clientThreads = options.integer("client-threads", 1, 64);
        int setupTimeout = options.integer("setup-timeout", 1, 3_600);
        int drain = options.integer("drain", 0, 600);
        int deadline = options.string("deadline").isBlank()
                        || options.string("deadline").equals("auto")
                ? warmup + seconds + setupTimeout + drain + 30
                : options.integer("deadline", 1, 24 * 3_600);
        String label = options.string("label");
        List<ExecutorService> executors = new ArrayList<>();
        ExecutorService authExecutor = Executors.newFixedThreadPool(2, daemonThreads("bench-auth"));
        executors.add(authExecutor);
        // tokens signed here outlive the run, so that no connection is closed with 4002 (token expired) during it
        Auth auth = new Auth(
                url,
                options.string("jwt-secret").trim(),
                options.string("jwt-issuer").trim(),
                options.string("jwt-audience").trim(),
                Duration.ofSeconds(deadline + 300L),
                authExecutor);

        startWatchdog(deadline);

        String runId = Long.toString(System.currentTimeMillis(), 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36), 36);
        Run run = new Run("bench-" + runId, publisherCount);
        System.out.printf(
                Locale.ROOT,
                "fan-out bench: %s, room %s, %d members, %d msg/s from %d publisher(s), %d s warm-up + %d s measured, %d-char texts, hard deadline %d s%n",
                url,
                run.room,
                members,
                rate,
                publisherCount,
                warmup,
                seconds,
                size,
                deadline);
        System.out.println(
                nio
                        ? "members use the nio client" + (sse ? " over SSE + POST" : "") + " (" + nioThreads
                                + " selector thread(s)); the publisher uses java.net.http"
                        : "members use java.net.http" + (sse ? " over SSE + POST" : "") + " (" + clientCount
                                + " client(s) x " + clientThreads + " thread(s))");
        System.out.println("sign-in: " + auth.describe() + ", one ticket per connection right before it connects");

        // ---- sign the publisher in first: a server that refuses it (dev login off, wrong secret) fails the run at
        // once
        String publisherName = "pub-" + runId;
        Auth.Token publisherToken;
        try {
            publisherToken = auth.token(publisherName + "-0").get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.out.println("FAILED: cannot sign in: " + rootCause(e));
            executors.forEach(ExecutorService::shutdownNow);
            return 2;
        }
        if (publisherToken.expiresAt() != null
                && publisherToken.expiresAt().isBefore(Instant.now().plusSeconds(deadline))) {
            run.note(
                    "tokens expire at " + publisherToken.expiresAt() + ", before the run's hard deadline (" + deadline
                            + " s): connections still open then are closed with 4002; raise switchboard.auth.dev-token-lifetime");
        }

        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < clientCount; i++) {
            ExecutorService executor = Executors.newFixedThreadPool(clientThreads, daemonThreads("bench-client-" + i));
            executors.add(executor);
            clients.add(HttpClient.newBuilder()
                    .executor(executor)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build());
        }
        List<URI> memberUrls = new ArrayList<>();
        for (String each : options.string("member-urls").split(",")) {
            if (!each.isBlank()) {
                URI memberUrl = URI.create(each.trim());
                if (memberUrl.getHost() == null
                        || !LOOPBACK_HOSTS.contains(memberUrl.getHost().toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("--member-urls must point at this machine, was: " + each);
                }
                memberUrls.add(memberUrl);
            }
        }
        if (memberUrls.isEmpty()) {
            memberUrls.add(url);
        }
        List<NioWebSocketClient> nioClients = new ArrayList<>();
        for (URI memberUrl : nio ? memberUrls : List.<URI>of()) {
            nioClients.add(
                    sse
                            ? new NioWebSocketClient(
                                    memberUrl, nioThreads, run, SseMember.base(memberUrl), clients.get(0))
                            : new NioWebSocketClient(memberUrl, nioThreads, run));
        }
        if (memberUrls.size() > 1) {
            System.out.println("members spread over " + memberUrls + "; publishers on " + url);
        }

        IdleMemory idle = null;
        if (Boolean.parseBoolean(options.string("idle"))) {
            if (options.string("server-pid").isBlank()) {
                throw new IllegalArgumentException("--idle=true needs --server-pid");
            }
            String out = options.string("out").trim();
            idle = new IdleMemory(
                    Long.parseLong(options.string("server-pid").trim()), out.isEmpty() ? null : Path.of(out));
        }

        // ---- connect and join, a bounded number at a time
        long setupStart = now();
        long setupEnd = setupStart + TimeUnit.SECONDS.toNanos(setupTimeout);
        List<Member> all = new ArrayList<>(members);
        Semaphore inFlight = new Semaphore(connectConcurrency);
        AtomicInteger joinedCount = new AtomicInteger();
        AtomicInteger failedCount = new AtomicInteger();
        for (int i = 0; i < members; i++) {
            if (idle != null && i == members / 2) {
                awaitJoined(all, setupEnd);
                idle.atHalf(joinedCount.get());
            }
            if (!inFlight.tryAcquire(Math.max(0, setupEnd - now()), TimeUnit.NANOSECONDS)) {
                System.out.printf("setup timed out after %d of %d connections were started%n", i, members);
                break;
            }
            // each member is its own user: signed in, then a fresh ticket, then the connection, so no ticket waits
            Member member;
            Consumer<String> connectWithTicket;
            if (sse && !nio) {
                SseMember sseMember = new SseMember(
                        "m" + i,
                        run,
                        clients.get(i % clients.size()),
                        SseMember.base(memberUrls.get(i % memberUrls.size())));
                member = sseMember;
                connectWithTicket = sseMember::connect;
            } else if (nio) {
                NioWebSocketClient nioClient = nioClients.get(i % nioClients.size());
                NioWebSocketClient.NioMember nioMember = nioClient.member("m" + i);
                member = nioMember;
                connectWithTicket = ticket -> nioClient.connect(nioMember, ticket);
            } else {
                Member jdkMember = new Member("m" + i, run, true);
                member = jdkMember;
                HttpClient client = clients.get(i % clients.size());
                URI memberUrl = memberUrls.get(i % memberUrls.size());
                connectWithTicket = ticket -> connect(client, memberUrl, jdkMember, ticket);
            }
            all.add(member);
            long asked = now();
            auth.ticketFor(member.name).whenComplete((ticket, error) -> {
                if (error != null) {
                    member.closed = true;
                    member.joined.completeExceptionally(error);
                    return;
                }
                synchronized (run.signInMicros) {
                    run.signInMicros.recordValue(Math.min((now() - asked) / 1_000, MAX_LATENCY_MICROS));
                }
                if (!member.joined.isDone()) {
                    member.stage = "connecting";
                    connectWithTicket.accept(ticket);
                }
            });
            member.joined
                    .orTimeout(Math.min(30, setupTimeout), TimeUnit.SECONDS)
                    .whenComplete((v, error) -> {
                        inFlight.release();
                        if (error == null) {
                            int n = joinedCount.incrementAndGet();
                            if (n % 250 == 0) {
                                System.out.printf(
                                        Locale.ROOT, "  %d members joined (%.1f s)%n", n, seconds(now() - setupStart));
                            }
                        } else if (failedCount.getAndIncrement() < 5) {
                            run.note(member.name + " could not connect and join"
                                    + (error instanceof TimeoutException ? " in time (was " + member.stage + ")" : "")
                                    + ": " + rootCause(error));
                        }
                    });
        }
        awaitJoined(all, setupEnd);
        List<Member> joined = all.stream()
                .filter(m -> m.joined.isDone() && !m.joined.isCompletedExceptionally() && !m.closed)
                .toList();
        double setupSeconds = seconds(now() - setupStart);
        System.out.printf(
                Locale.ROOT,
                "%d of %d members joined in %.1f s%s%n",
                joined.size(),
                members,
                setupSeconds,
                failedCount.get() > 0 ? " (" + failedCount.get() + " failed)" : "");
        synchronized (run.signInMicros) {
            System.out.printf(
                    Locale.ROOT,
                    "  of which sign-in + ticket (ms): p50 %.1f  p99 %.1f  max %.1f per member%n",
                    ms(run.signInMicros, 50),
                    ms(run.signInMicros, 99),
                    run.signInMicros.getTotalCount() == 0 ? Double.NaN : run.signInMicros.getMaxValue() / 1_000.0);
        }

        if (idle != null) {
            idle.report(label, joined.size());
            printNotes(run);
            closeAll(run, all, List.of(), executors, nioClients);
            return joined.isEmpty() ? 2 : 0;
        }

        // ---- the publishers, each its own user and connection, after all the members
        List<Publisher> publishers = new ArrayList<>();
        for (int k = 0; k < publisherCount && !joined.isEmpty(); k++) {
            Publisher publisher = new Publisher(
                    publisherName + "-" + k, run, k, "b" + runId + "-p" + k + "-", size, rate / publisherCount);
            publishers.add(publisher);
            try {
                Auth.Token token =
                        k == 0 ? publisherToken : auth.token(publisher.name).get(30, TimeUnit.SECONDS);
                publisher.stage = "getting a ticket";
                String ticket = auth.ticket(token).get(15, TimeUnit.SECONDS);
                publisher.stage = "connecting";
                connect(clients.get(0), url, publisher, ticket);
                publisher.joined.get(Math.min(30, setupTimeout), TimeUnit.SECONDS);
            } catch (Exception e) {
                run.note(publisher.name + " could not connect and join (was " + publisher.stage + "): " + rootCause(e));
            }
        }
        if (joined.isEmpty()
                || publishers.isEmpty()
                || publishers.stream().anyMatch(p -> !p.joined.isDone() || p.joined.isCompletedExceptionally())) {
            System.out.println("FAILED: no members or a publisher could not join; nothing to measure");
            printNotes(run);
            closeAll(run, all, publishers, executors, nioClients);
            return 2;
        }

        // ---- publish: warm-up, then the measured window. Publisher k posts every publisherCount / rate s, starting
        // k / rate s after the start; each message carries the time it was due, so late ticks count as latency.
        long start = now();
        run.windowStart = start + TimeUnit.SECONDS.toNanos(warmup);
        run.windowEnd = run.windowStart + TimeUnit.SECONDS.toNanos(seconds);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemonThreads("bench-publisher"));
        long spacing = Math.max(1, 1_000_000_000L / rate);
        long period = spacing * publisherCount;
        List<ScheduledFuture<?>> ticks = new ArrayList<>();
        for (Publisher publisher : publishers) {
            long first = start + spacing * publisher.index;
            long[] tick = {0}; // touched by the ticker's one thread only
            ticks.add(ticker.scheduleAtFixedRate(
                    () -> {
                        try {
                            publisher.tick(first + period * tick[0]++);
                        } catch (RuntimeException e) {
                            run.note("publisher tick failed: " + e);
                        }
                    },
                    first - now(),
                    period,
                    TimeUnit.NANOSECONDS));
        }
        System.out.printf("publishing to %s: warm-up %d s, then measuring %d s%n", run.room, warmup, seconds);
        ServerCpu cpu = ServerCpu.of(options.string("server-pid"));
        ServerCpu clientCpu = ServerCpu.of(Long.toString(ProcessHandle.current().pid()));
        boolean cpuStarted = false;
        long nextReport = start + TimeUnit.SECONDS.toNanos(5);
        long lastMessages = 0;
        long lastReport = start;
        while (now() < run.windowEnd) {
            long wake = Math.min(run.windowEnd, nextReport);
            sleepNanos((cpuStarted ? wake : Math.min(wake, run.windowStart)) - now());
            if (!cpuStarted && now() >= run.windowStart) {
                cpuStarted = true;
                if (cpu != null) {
                    cpu.windowStarts();
                }
                if (clientCpu != null) {
                    clientCpu.windowStarts();
                }
            }
            if (now() >= nextReport && now() < run.windowEnd) {
                long total = totalMessages(joined);
                long t = now();
                System.out.printf(
                        Locale.ROOT,
                        "  t=%4.0f s %s: %,d deliveries/s, %d member(s) disconnected%n",
                        seconds(t - start),
                        t < run.windowStart ? "warm-up " : "measured",
                        Math.round((total - lastMessages) / seconds(t - lastReport)),
                        run.unexpectedCloses.get());
                lastMessages = total;
                lastReport = t;
                nextReport += TimeUnit.SECONDS.toNanos(5);
            }
        }
        if (cpu != null) {
            cpu.windowEnds();
        }
        if (clientCpu != null) {
            clientCpu.windowEnds();
        }
        ticks.forEach(t -> t.cancel(false));
        ticker.shutdown();
        ticker.awaitTermination(5, TimeUnit.SECONDS);
        for (Publisher publisher : publishers) {
            try {
                publisher.lastSend().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                run.note(publisher.name + "'s last sends did not complete: " + rootCause(e));
            }
        }
        long postedInWindow =
                publishers.stream().mapToLong(p -> p.postedInWindow).sum();

        // ---- drain: late deliveries of messages sent in the window still count
        long expected = postedInWindow * joined.size();
        long drainEnd = now() + TimeUnit.SECONDS.toNanos(drain);
        while (now() < drainEnd
                && inWindow(joined) < expected
                && joined.stream().anyMatch(m -> !m.closed)) {
            sleepNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        run.closing = true;

        // ---- results
        Histogram latency = new Histogram(MAX_LATENCY_MICROS, 2);
        Histogram late = new Histogram(MAX_LATENCY_MICROS, 2);
        long received = 0;
        long receivedDuringWindow = 0;
        long outOfOrder = 0;
        long maxNanos = 0;
        for (Member m : joined) {
            synchronized (m) {
                latency.add(m.latencyMicros);
                late.add(m.lateLatencyMicros);
                received += m.inWindow;
                receivedDuringWindow += m.receivedDuringWindow;
                outOfOrder += m.outOfOrder;
                maxNanos = Math.max(maxNanos, m.maxLatencyNanos);
            }
        }
        double loss = expected == 0 ? 0 : 100.0 * (expected - Math.min(received, expected)) / expected;
        long disconnected = joined.stream().filter(m -> m.closed).count();
        double p50 = ms(latency, 50);
        double p90 = ms(latency, 90);
        double p99 = ms(latency, 99);
        double p999 = ms(latency, 99.9);
        double max = maxNanos / 1e6;
        // a percentile is reported as its bucket's upper end (1 % resolution): never more than the exact maximum
        p50 = Math.min(p50, max);
        p90 = Math.min(p90, max);
        p99 = Math.min(p99, max);
        p999 = Math.min(p999, max);
        Histogram ack = new Histogram(MAX_LATENCY_MICROS, 2);
        for (Publisher publisher : publishers) {
            synchronized (publisher) {
                ack.add(publisher.ackMicros);
            }
        }
        Histogram early = latency.copy();
        early.subtract(late);
        double deliveriesPerSecond = receivedDuringWindow / (double) seconds;
        // server CPU ms per 1,000 deliveries received in the window: what one delivery costs the server, all included
        double cpuSeconds = cpu == null ? Double.NaN : cpu.seconds();
        double cpuPerThousand =
                receivedDuringWindow == 0 ? Double.NaN : cpuSeconds * 1e3 / (receivedDuringWindow / 1e3);

        System.out.println();
        System.out.println("=== Switchboard fan-out results" + (label.isBlank() ? "" : " (" + label + ")") + " ===");
        System.out.printf(Locale.ROOT, "url              %s%n", url);
        System.out.printf(
                Locale.ROOT,
                "members          %d joined of %d requested (connect + join took %.1f s)%n",
                joined.size(),
                members,
                setupSeconds);
        System.out.printf(
                Locale.ROOT,
                "rate             %d msg/s requested; %d s warm-up, %d s measured%n",
                rate,
                warmup,
                seconds);
        System.out.printf(
                Locale.ROOT,
                "posts            %d in window (%.1f msg/s) from %d publishers, %d in all, %d acked, %d skipped (publisher backlog), %d send errors%n",
                postedInWindow,
                postedInWindow / (double) seconds,
                publishers.size(),
                publishers.stream().mapToLong(p -> p.posted).sum(),
                publishers.stream().mapToLong(p -> p.acks.get()).sum(),
                publishers.stream().mapToLong(p -> p.skipped).sum(),
                publishers.stream().mapToLong(p -> p.sendErrors.get()).sum());
        System.out.printf(
                Locale.ROOT, "deliveries       expected %d, received %d, loss %.3f %%%n", expected, received, loss);
        System.out.printf(
                Locale.ROOT,
                "throughput       %.0f deliveries/s received during the window (target %d)%n",
                deliveriesPerSecond,
                (long) rate * joined.size());
        System.out.printf(
                Locale.ROOT,
                "latency (ms)     p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f  (%d samples)%n",
                p50,
                p90,
                p99,
                p999,
                max,
                latency.getTotalCount());
        if (memberUrls.size() > 1) {
            // members spread over several nodes: the publishers' node delivers directly, the others over the bus
            for (int node = 0; node < memberUrls.size(); node++) {
                Histogram onNode = new Histogram(MAX_LATENCY_MICROS, 2);
                for (Member m : joined) {
                    if (Integer.parseInt(m.name.substring(1)) % memberUrls.size() == node) {
                        synchronized (m) {
                            onNode.add(m.latencyMicros);
                        }
                    }
                }
                System.out.printf(
                        Locale.ROOT,
                        "  members on %s (%s): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  (%d samples)%n",
                        memberUrls.get(node),
                        memberUrls.get(node).equals(url) ? "the publishers' node" : "across the bus",
                        ms(onNode, 50),
                        ms(onNode, 90),
                        ms(onNode, 99),
                        ms(onNode, 99.9),
                        onNode.getTotalCount());
            }
        }
        System.out.printf(
                Locale.ROOT,
                "post -> ack (ms) p50 %.2f  p99 %.2f  max %.2f  (publisher's own post to its ack: server time + 2 hops)%n",
                ms(ack, 50),
                ms(ack, 99),
                ack.getTotalCount() == 0 ? Double.NaN : ack.getMaxValue() / 1_000.0);
        printPostSpans(run);
        System.out.printf(
                Locale.ROOT,
                "integrity        %d out-of-order/duplicate, %d error frames, %d member(s) disconnected%n",
                outOfOrder,
                run.errorFrames.get(),
                disconnected);
        System.out.printf(
                Locale.ROOT,
                "server CPU       %.1f s in the window (%.0f %% of one core), %.3f ms per 1,000 deliveries%s%n",
                cpuSeconds,
                100 * cpuSeconds / seconds,
                cpuPerThousand,
                cpu == null ? " (no --server-pid: not measured)" : "");
        double clientSeconds = clientCpu == null ? Double.NaN : clientCpu.seconds();
        System.out.printf(
                Locale.ROOT,
                "client CPU       %.1f s in the window (%.0f %% of one core), %.3f ms per 1,000 deliveries (this JVM:"
                        + " members, publishers, sign-in)%n",
                clientSeconds,
                100 * clientSeconds / seconds,
                receivedDuringWindow == 0 ? Double.NaN : clientSeconds * 1e3 / (receivedDuringWindow / 1e3));
        System.out.printf(
                Locale.ROOT,
                "backlog          p50 %.2f ms for messages sent in the window's first half, %.2f ms in its second"
                        + " (a rise: the server or client does not keep up)%n",
                Math.min(ms(early, 50), max),
                Math.min(ms(late, 50), max));
        if (run.rateLimited.get() > 0) {
            System.out.println(
                    "note: " + run.rateLimited.get() + " message(s) refused as rate_limited. The benchmark measures"
                            + " fan-out, not the rate limiter: start the server with -Dswitchboard.limits.messages-per-second=100000"
                            + " -Dswitchboard.limits.user-messages-per-second=100000 (bench/run.sh does)");
        }
        printNotes(run);
        System.out.println();
        System.out.println(
                "| server | members | msg/s | expected | received | loss % | deliveries/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | CPU ms/1k |");
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %d | %d | %d | %.3f | %.0f | %.2f | %.2f | %.2f | %.2f | %.2f | %.3f |%n",
                label.isBlank() ? "?" : label,
                joined.size(),
                rate,
                expected,
                received,
                loss,
                deliveriesPerSecond,
                p50,
                p90,
                p99,
                p999,
                max,
                cpuPerThousand);

        closeAll(run, all, publishers, executors, nioClients);
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Opens a java.net.http connection with a one-time ticket; welcome, join and joined follow in the listener. */
    static void connect(HttpClient client, URI url, Member member, String ticket) {
        String separator = url.getRawQuery() == null ? "?" : "&";
        URI target = URI.create(url + separator + "ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8));
        client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(target, member)
                .whenComplete((ws, error) -> {
                    if (error != null) {
                        member.closed = true;
                        member.joined.completeExceptionally(error);
                    }
                });
    }

    /** Waits until every member started so far has joined or failed, at most until {@code until}. */
    static void awaitJoined(List<Member> members, long until) {
        for (Member member : members) {
            try {
                member.joined.get(Math.max(1, until - now()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                // counted where it failed
            }
        }
    }

    static long totalMessages(List<Member> members) {
        long total = 0;
        for (Member m : members) {
            synchronized (m) {
                total += m.messages;
            }
        }
        return total;
    }

    static long inWindow(List<Member> members) {
        long total = 0;
        for (Member m : members) {
            synchronized (m) {
                total += m.inWindow;
            }
        }
        return total;
    }

    static void closeAll(
            Run run,
            List<Member> members,
            List<Publisher> publishers,
            List<ExecutorService> executors,
            List<NioWebSocketClient> nioClients) {
        run.closing = true;
        List<CompletableFuture<?>> closes = new ArrayList<>();
        List<Member> everyone = new ArrayList<>(members);
        everyone.addAll(publishers);
        for (Member m : everyone) {
            if (m instanceof SseMember stream) {
                stream.closeStream();
            }
            WebSocket ws = m.socket;
            if (ws != null && !ws.isOutputClosed()) {
                try {
                    closes.add(
                            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").exceptionally(e -> null));
                } catch (RuntimeException e) {
                    ws.abort();
                }
            }
        }
        int aborted = 0;
        for (NioWebSocketClient nioClient : nioClients) {
            // close frames on every nio connection, up to 3 s for the server's replies, then the rest is dropped
            aborted += nioClient.closeAll(members, TimeUnit.SECONDS.toNanos(3));
        }
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            // give the server a moment to answer the close handshakes
            long until = now() + TimeUnit.SECONDS.toNanos(3);
            while (now() < until && everyone.stream().anyMatch(m -> m.socket != null && !m.socket.isInputClosed())) {
                sleepNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        } catch (Exception e) {
            // abort below
        }
        for (Member m : everyone) {
            WebSocket ws = m.socket;
            if (ws != null && !ws.isInputClosed()) {
                ws.abort();
                aborted++;
            }
        }
        executors.forEach(ExecutorService::shutdownNow);
        System.out.printf(
                "closed %d connection(s)%s%n",
                everyone.stream().filter(Member::connected).count(),
                aborted > 0 ? " (" + aborted + " aborted after the close handshake timed out)" : "");
    }

    static void printNotes(Run run) {
        synchronized (run.notes) {
            for (String note : run.notes) {
                System.out.println("note: " + note);
            }
        }
    }

    static void startWatchdog(int deadlineSeconds) {
        Thread watchdog = new Thread(
                () -> {
                    try {
                        Thread.sleep(TimeUnit.SECONDS.toMillis(deadlineSeconds));
                    } catch (InterruptedException e) {
                        return;
                    }
                    System.out.println("FAILED: hard deadline of " + deadlineSeconds + " s reached; exiting");
                    System.out.flush();
                    Runtime.getRuntime().halt(3);
                },
                "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void sleepNanos(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static double ms(AbstractHistogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? Double.NaN : micros.getValueAtPercentile(percentile) / 1_000.0;
    }

    static double seconds(long nanos) {
        return nanos / 1e9;
    }

    static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }
}
