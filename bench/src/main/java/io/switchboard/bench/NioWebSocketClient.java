package io.switchboard.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A minimal WebSocket client (RFC 6455, no extensions) for the receiving members: one or a few threads, each with a
 * {@link Selector} over non-blocking {@link SocketChannel}s. It exists so that the benchmark's 1000 receivers cost
 * as little CPU as possible on a machine shared with the server.
 *
 * <p>Everything about one connection (handshake, frame parsing, pong and close replies, the join message) happens on
 * its I/O thread; other threads only hand it tasks. Server frames are parsed in place from a per-connection heap
 * buffer (grown for large frames such as {@code joined}, shrunk again afterwards); a {@code message} frame is
 * recognised and its embedded send time and sequence number are read from the bytes, so the steady-state receive
 * path allocates nothing. Client frames are masked, as RFC 6455 requires.
 *
 * <p>With a fallback base address ({@code --transport=sse}) the same threads read Server-Sent Events instead: the
 * member opens {@code GET /api/sse/chat?ticket=} ({@code text/event-stream}), the body is de-chunked and split into
 * lines in place, each {@code data:} line is handled like a WebSocket text frame, and the {@code join} is POSTed to
 * the stream's token (java.net.http: once per member). So both transports are measured with equally cheap receivers.
 */
final class NioWebSocketClient {

    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int INITIAL_BUFFER = 16 * 1024;
    /** A buffer emptied above this size is replaced by a fresh {@link #INITIAL_BUFFER} one. */
    private static final int SHRINK_ABOVE = 64 * 1024;
    /** Largest frame (or fragmented message) accepted from the server. */
    private static final int MAX_FRAME = 16 * 1024 * 1024;

    private static final int MAX_HANDSHAKE_RESPONSE = 16 * 1024;

    private static final int OP_CONTINUATION = 0x0;
    private static final int OP_TEXT = 0x1;
    private static final int OP_BINARY = 0x2;
    private static final int OP_CLOSE = 0x8;
    private static final int OP_PING = 0x9;
    private static final int OP_PONG = 0xA;

    private static final byte[] TYPE_KEY = bytes(FanOutBench.TYPE_KEY);
    private static final byte[] TEXT_KEY = bytes(FanOutBench.TEXT_KEY);
    private static final byte[] MESSAGE = bytes("message\"");
    private static final byte[] WELCOME = bytes("welcome\"");
    private static final byte[] JOINED = bytes("joined\"");
    private static final byte[] ERROR = bytes("error\"");
    private static final byte[] CLOSE_DONE = closePayload(1000, "bench done");
    private static final byte[] DATA = bytes("data:");
    private static final byte[] EVENT = bytes("event:");

    final FanOutBench.Run run;
    final InetSocketAddress address;
    final String hostHeader;
    final String pathPrefix;
    final byte[] joinFrame;
    /** {@code http://host:port/CONTEXT/api/sse/} for members on the fallback transport; null for WebSocket. */
    final URI sseBase;
    /** Sends the fallback members' POSTs (their {@code join}). */
    final HttpClient http;

    private final IoThread[] threads;
    private int next;

    NioWebSocketClient(URI url, int threadCount, FanOutBench.Run run) {
        this(url, threadCount, run, null, null);
    }

    /**
     * @param sseBase the fallback's base address ({@link SseMember#base}): members read event streams; null for
     *     WebSocket
     * @param http the client for the fallback members' POSTs (with {@code sseBase})
     */
    NioWebSocketClient(URI url, int threadCount, FanOutBench.Run run, URI sseBase, HttpClient http) {
        this.run = run;
        String host = url.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        int port = url.getPort() < 0 ? 80 : url.getPort();
        this.address = new InetSocketAddress(bare, port);
        this.hostHeader = host + ":" + port;
        this.sseBase = sseBase;
        this.http = http;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.pathPrefix = sseBase != null
                ? sseBase.getRawPath() + "chat?ticket="
                : path + (url.getRawQuery() == null ? "?" : "?" + url.getRawQuery() + "&") + "ticket=";
        this.joinFrame = run.joinFrame.getBytes(StandardCharsets.UTF_8);
        this.threads = new IoThread[threadCount];
        for (int i = 0; i < threadCount; i++) {
            try {
                threads[i] = new IoThread("bench-nio-" + i, Selector.open());
            } catch (IOException e) {
                throw new IllegalStateException("cannot open a selector", e);
            }
            threads[i].start();
        }
    }

    /** A member served by this client; {@link #connect(NioMember)} starts it. */
    NioMember member(String name) {
        return new NioMember(name, this, threads[next++ % threads.length]);
    }

    /**
     * Starts connecting with a one-time ticket (use it at once: it expires within seconds); the handshake, welcome,
     * join and joined follow on the member's I/O thread.
     */
    void connect(NioMember member, String ticket) {
        member.ticket = ticket;
        member.io.submit(member::start);
    }

    /**
     * Sends a close frame on every open connection, waits up to {@code waitNanos} for the server's close replies,
     * then stops the I/O threads and closes whatever is left. Returns how many connections had to be aborted.
     */
    int closeAll(List<? extends FanOutBench.Member> members, long waitNanos) {
        for (IoThread io : threads) {
            io.submit(() -> {
                for (NioMember m : io.members) {
                    m.closeGracefully();
                }
            });
        }
        long until = FanOutBench.now() + waitNanos;
        while (FanOutBench.now() < until && members.stream().anyMatch(FanOutBench.Member::open)) {
            FanOutBench.sleepNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        for (IoThread io : threads) {
            io.running = false;
            io.selector.wakeup();
        }
        for (IoThread io : threads) {
            try {
                io.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int aborted = 0;
        for (IoThread io : threads) {
            // the I/O thread has stopped (or is stuck, and the process is about to exit anyway)
            for (NioMember m : io.members) {
                if (m.open()) {
                    aborted++;
                }
                m.closeChannel();
            }
            try {
                io.selector.close();
            } catch (IOException e) {
                // nothing left to do
            }
        }
        return aborted;
    }

    // ------------------------------------------------------------------------------------------------ I/O thread

    static final class IoThread extends Thread {
        final Selector selector;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Members started on this thread; touched by this thread only (and by others once it has stopped). */
        final List<NioMember> members = new ArrayList<>();

        volatile boolean running = true;
        /** Scratch buffer for outgoing frames, which are all small (join, pong, close). */
        private ByteBuffer scratch = ByteBuffer.allocate(256);

        private int maskState = ThreadLocalRandom.current().nextInt() | 1;

        IoThread(String name, Selector selector) {
            super(name);
            this.selector = selector;
            setDaemon(true);
        }

        void submit(Runnable task) {
            tasks.add(task);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (running) {
                    Runnable task;
                    while ((task = tasks.poll()) != null) {
                        try {
                            task.run();
                        } catch (RuntimeException e) {
                            System.err.println(getName() + ": task failed: " + e);
                        }
                    }
                    selector.select(this::ready, 1_000);
                }
            } catch (IOException | ClosedSelectorException e) {
                if (running) {
                    System.err.println(getName() + " stopped: " + e);
                }
            }
        }

        private void ready(SelectionKey key) {
            NioMember m = (NioMember) key.attachment();
            try {
                if (key.isValid() && key.isConnectable()) {
                    m.finishConnect();
                }
                if (key.isValid() && key.isWritable()) {
                    m.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    m.read();
                }
            } catch (IOException | RuntimeException e) {
                m.fail("failed: " + e, e);
            }
        }

        ByteBuffer scratch(int capacity) {
            if (scratch.capacity() < capacity) {
                scratch = ByteBuffer.allocate(Math.max(capacity, scratch.capacity() * 2));
            }
            scratch.clear();
            return scratch;
        }

        /** Masking keys: xorshift; they only need to vary, not to be secret, between a benchmark and its server. */
        int nextMask() {
            int x = maskState;
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            maskState = x;
            return x;
        }
    }

    // ------------------------------------------------------------------------------------------------ member

    /** One member connection, owned by its I/O thread. */
    static final class NioMember extends FanOutBench.Member {
        private static final int CONNECTING = 0, HANDSHAKE = 1, OPEN = 2, CLOSE_SENT = 3, CLOSED = 4;
        private static final long CHUNK_SIZE = -1, CHUNK_END = -2;

        final NioWebSocketClient client;
        final IoThread io;
        private SocketChannel channel;
        private SelectionKey key;
        private int state = CONNECTING;
        private String handshakeKey;
        /** The one-time ticket of the handshake ({@code ?ticket=}); set before {@link #start()} is submitted. */
        volatile String ticket;

        private ByteBuffer in = ByteBuffer.allocate(INITIAL_BUFFER);
        /** Bytes not yet written (the socket's send buffer was full), or null. */
        private ByteBuffer out;

        private boolean closeAfterFlush;
        /** Opcode of the fragmented message in progress, or -1; text fragments are gathered in {@link #fragments}. */
        private int fragmentOpcode = -1;

        private byte[] fragments;
        private int fragmentLength;
        private boolean welcomed;
        volatile boolean everOpened;
        volatile boolean channelOpen;

        // ---- event stream (client.sseBase != null)
        /** The response body is chunked: {@link #in} holds chunk framing, {@link #events} the de-chunked bytes. */
        private boolean chunked;
        /** Bytes left of the current chunk; {@link #CHUNK_SIZE} while a size line is read, {@link #CHUNK_END} its CRLF. */
        private long chunkLeft = CHUNK_SIZE;
        /** De-chunked body bytes not yet split into lines. */
        private ByteBuffer events;
        /** The current event's name ({@code stream}, {@code close}), or null for a frame. */
        private String event;
        /** The stream's token, from its {@code stream} event: POSTs go there. */
        private volatile String streamToken;

        NioMember(String name, NioWebSocketClient client, IoThread io) {
            super(name, client.run, true);
            this.client = client;
            this.io = io;
        }

        @Override
        boolean connected() {
            return everOpened;
        }

        @Override
        boolean open() {
            return channelOpen;
        }

        // ---- connection and handshake

        void start() {
            io.members.add(this);
            try {
                channel = SocketChannel.open();
                channelOpen = true;
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean connected = channel.connect(client.address);
                key = channel.register(io.selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
                if (connected) {
                    sendHandshake();
                }
            } catch (IOException | RuntimeException e) {
                fail("could not connect: " + e, e);
            }
        }

        void finishConnect() throws IOException {
            if (channel.finishConnect()) {
                sendHandshake();
            }
        }

        private void sendHandshake() throws IOException {
            if (client.sseBase != null) {
                String request = "GET " + client.pathPrefix + URLEncoder.encode(ticket, StandardCharsets.UTF_8)
                        + " HTTP/1.1\r\n"
                        + "Host: " + client.hostHeader + "\r\n"
                        + "Accept: text/event-stream\r\n"
                        + "\r\n";
                state = HANDSHAKE;
                key.interestOps(SelectionKey.OP_READ);
                write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
                return;
            }
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            handshakeKey = Base64.getEncoder().encodeToString(nonce);
            String request =
                    "GET " + client.pathPrefix + URLEncoder.encode(ticket, StandardCharsets.UTF_8) + " HTTP/1.1\r\n"
                            + "Host: " + client.hostHeader + "\r\n"
                            + "Upgrade: websocket\r\n"
                            + "Connection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: " + handshakeKey + "\r\n"
                            + "Sec-WebSocket-Version: 13\r\n"
                            + "\r\n";
            state = HANDSHAKE;
            key.interestOps(SelectionKey.OP_READ);
            write(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        }

        /** Returns false until the whole response head is in; then checks it and leaves any frame bytes in the buffer. */
        private boolean handshakeResponse() throws IOException {
            byte[] a = in.array();
            int end = in.position();
            int headEnd = -1;
            for (int i = 3; i < end; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    headEnd = i + 1;
                    break;
                }
            }
            if (headEnd < 0) {
                if (end >= MAX_HANDSHAKE_RESPONSE) {
                    throw new IOException("handshake response head larger than " + MAX_HANDSHAKE_RESPONSE + " bytes");
                }
                return false;
            }
            String head = new String(a, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            boolean sse = client.sseBase != null;
            if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals(sse ? "200" : "101")) {
                throw new IOException("handshake refused: " + lines[0]);
            }
            if (sse) {
                for (int i = 1; i < lines.length; i++) {
                    String line = lines[i].toLowerCase(Locale.ROOT);
                    if (line.startsWith("transfer-encoding:") && line.contains("chunked")) {
                        chunked = true;
                    }
                }
                events = ByteBuffer.allocate(INITIAL_BUFFER);
            }
            String accept = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String header = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (header.equals("sec-websocket-accept")) {
                    accept = value;
                } else if (header.equals("sec-websocket-extensions") && !value.isEmpty()) {
                    throw new IOException("the server chose extensions that were not offered: " + value);
                }
            }
            if (!sse && !expectedAccept(handshakeKey).equals(accept)) {
                throw new IOException("handshake: wrong Sec-WebSocket-Accept " + accept);
            }
            System.arraycopy(a, headEnd, a, 0, end - headEnd);
            in.position(end - headEnd);
            state = OPEN;
            everOpened = true;
            stage = "waiting for welcome";
            return true;
        }

        // ---- reading

        void read() throws IOException {
            while (true) {
                int room = in.remaining();
                int n = channel.read(in);
                if (n < 0) {
                    fail(state == CLOSE_SENT ? null : "connection closed by the server without a close frame", null);
                    return;
                }
                if (n == 0) {
                    return;
                }
                long received = FanOutBench.now();
                if (state == HANDSHAKE && !handshakeResponse()) {
                    continue;
                }
                if ((state == OPEN || state == CLOSE_SENT) && client.sseBase != null) {
                    body(received);
                } else if (state == OPEN || state == CLOSE_SENT) {
                    frames(received);
                }
                if (n < room || state == CLOSED) {
                    return; // the socket had no more for now
                }
            }
        }

        /** Handles every complete frame in the buffer, then keeps the incomplete rest at its start. */
        private void frames(long received) throws IOException {
            byte[] a = in.array();
            int end = in.position();
            int p = 0;
            int need = 0;
            while (end - p >= 2) {
                int b0 = a[p] & 0xFF;
                int b1 = a[p + 1] & 0xFF;
                if ((b1 & 0x80) != 0 || (b0 & 0x70) != 0) {
                    protocolError((b1 & 0x80) != 0 ? "masked frame from the server" : "reserved bits set");
                    return;
                }
                long length = b1 & 0x7F;
                int header = 2;
                if (length == 126) {
                    if (end - p < 4) {
                        break;
                    }
                    length = ((a[p + 2] & 0xFF) << 8) | (a[p + 3] & 0xFF);
                    header = 4;
                } else if (length == 127) {
                    if (end - p < 10) {
                        break;
                    }
                    length = 0;
                    for (int i = 2; i < 10; i++) {
                        length = (length << 8) | (a[p + i] & 0xFF);
                    }
                    header = 10;
                }
                if (length > MAX_FRAME) {
                    protocolError("frame of " + length + " bytes");
                    return;
                }
                int total = header + (int) length;
                if (end - p < total) {
                    need = total;
                    break;
                }
                if (!frame((b0 & 0x80) != 0, b0 & 0x0F, a, p + header, (int) length, received)) {
                    return; // closed
                }
                p += total;
            }
            int rest = end - p;
            if (need > in.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(need, Math.min(MAX_FRAME + 16, in.capacity() * 2)));
                bigger.put(a, p, rest);
                in = bigger;
            } else if (rest == 0 && in.capacity() > SHRINK_ABOVE) {
                in = ByteBuffer.allocate(INITIAL_BUFFER);
            } else {
                if (p > 0 && rest > 0) {
                    System.arraycopy(a, p, a, 0, rest);
                }
                in.position(rest);
            }
        }

        /** One frame; returns false when the connection was closed. */
        private boolean frame(boolean fin, int opcode, byte[] a, int offset, int length, long received)
                throws IOException {
            switch (opcode) {
                case OP_TEXT, OP_BINARY -> {
                    if (fragmentOpcode >= 0) {
                        protocolError("new data frame inside a fragmented message");
                        return false;
                    }
                    if (fin) {
                        if (opcode == OP_TEXT) {
                            text(a, offset, length, received);
                        }
                    } else {
                        fragmentOpcode = opcode;
                        fragmentLength = 0;
                        if (opcode == OP_TEXT) {
                            appendFragment(a, offset, length);
                        }
                    }
                }
                case OP_CONTINUATION -> {
                    if (fragmentOpcode < 0) {
                        protocolError("continuation frame without a message");
                        return false;
                    }
                    if (fragmentOpcode == OP_TEXT) {
                        if (fragmentLength + (long) length > MAX_FRAME) {
                            protocolError("fragmented message larger than " + MAX_FRAME + " bytes");
                            return false;
                        }
                        appendFragment(a, offset, length);
                    }
                    if (fin) {
                        if (fragmentOpcode == OP_TEXT) {
                            text(fragments, 0, fragmentLength, received);
                        }
                        fragmentOpcode = -1;
                        fragmentLength = 0;
                        if (fragments != null && fragments.length > SHRINK_ABOVE) {
                            fragments = null;
                        }
                    }
                }
                case OP_PING -> send(OP_PONG, a, offset, length);
                case OP_PONG -> {
                    // unsolicited: nothing to do
                }
                case OP_CLOSE -> {
                    closeReceived(a, offset, length);
                    return false;
                }
                default -> {
                    protocolError("unknown opcode " + opcode);
                    return false;
                }
            }
            return state != CLOSED;
        }

        private void appendFragment(byte[] a, int offset, int length) {
            if (fragments == null || fragments.length - fragmentLength < length) {
                int capacity = Math.max(fragmentLength + length, fragments == null ? 4096 : fragments.length * 2);
                byte[] bigger = new byte[capacity];
                if (fragments != null) {
                    System.arraycopy(fragments, 0, bigger, 0, fragmentLength);
                }
                fragments = bigger;
            }
            System.arraycopy(a, offset, fragments, fragmentLength, length);
            fragmentLength += length;
        }

        /** A complete text message: its type is read from the bytes; only {@code message} frames are measured. */
        private void text(byte[] a, int offset, int length, long received) throws IOException {
            int end = offset + length;
            int at = indexOf(a, offset, end, TYPE_KEY);
            if (at < 0) {
                return;
            }
            at += TYPE_KEY.length;
            if (regionIs(a, at, end, MESSAGE)) {
                message(a, at, end, received);
            } else if (regionIs(a, at, end, WELCOME)) {
                if (!welcomed) {
                    welcomed = true;
                    stage = "waiting for joined";
                    if (client.sseBase != null) {
                        postJoin();
                    } else {
                        send(OP_TEXT, client.joinFrame, 0, client.joinFrame.length);
                    }
                }
            } else if (regionIs(a, at, end, JOINED)) {
                joined.complete(null);
            } else if (regionIs(a, at, end, ERROR)) {
                run.errorFrames.incrementAndGet();
                run.note(name + " got " + new String(a, offset, Math.min(length, 500), StandardCharsets.UTF_8));
            }
            // presence, typing, ack, ...: not part of the measurement
        }

        /** {@code ..."text":"t<sendNanos>s<seq> xxx...}: reads both numbers from the bytes. */
        private void message(byte[] a, int from, int end, long received) {
            int i = indexOf(a, from, end, TEXT_KEY);
            if (i < 0) {
                return; // not one of ours
            }
            i += TEXT_KEY.length;
            long sent = 0;
            int c;
            while (i < end && (c = a[i] - '0') >= 0 && c <= 9) {
                sent = sent * 10 + c;
                i++;
            }
            if (i >= end || a[i] != 's') {
                return;
            }
            i++;
            long seq = 0;
            while (i < end && (c = a[i] - '0') >= 0 && c <= 9) {
                seq = seq * 10 + c;
                i++;
            }
            record(sent, seq, received);
        }

        // ---- event stream

        /** The response body read so far: de-chunked into {@link #events}, then split into lines. */
        private void body(long received) throws IOException {
            byte[] a = in.array();
            int end = in.position();
            if (!chunked) {
                append(a, 0, end);
                in.clear();
                lines(received);
                return;
            }
            int p = 0;
            while (p < end) {
                if (chunkLeft > 0) {
                    int n = (int) Math.min(chunkLeft, end - p);
                    append(a, p, n);
                    p += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        chunkLeft = CHUNK_END;
                    }
                } else if (chunkLeft == CHUNK_END) {
                    if (end - p < 2) {
                        break;
                    }
                    p += 2;
                    chunkLeft = CHUNK_SIZE;
                } else {
                    int nl = p;
                    while (nl < end && a[nl] != '\n') {
                        nl++;
                    }
                    if (nl == end) {
                        break;
                    }
                    long size = 0;
                    for (int i = p; i < nl; i++) {
                        int digit = Character.digit(a[i], 16);
                        if (digit < 0) {
                            break; // CR or a chunk extension
                        }
                        size = size * 16 + digit;
                    }
                    p = nl + 1;
                    if (size == 0) {
                        fail("stream ended", null);
                        return;
                    }
                    chunkLeft = size;
                }
            }
            int rest = end - p;
            if (p > 0 && rest > 0) {
                System.arraycopy(a, p, a, 0, rest);
            }
            in.position(rest);
            lines(received);
        }

        private void append(byte[] a, int offset, int length) {
            if (events.remaining() < length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(events.capacity() * 2, events.position() + length));
                bigger.put(events.array(), 0, events.position());
                events = bigger;
            }
            events.put(a, offset, length);
        }

        /** Handles every complete line of {@link #events} and keeps the rest at its start. */
        private void lines(long received) throws IOException {
            byte[] a = events.array();
            int end = events.position();
            int p = 0;
            for (int i = 0; i < end && state != CLOSED; i++) {
                if (a[i] == '\n') {
                    line(a, p, i > p && a[i - 1] == '\r' ? i - 1 : i, received);
                    p = i + 1;
                }
            }
            int rest = end - p;
            if (rest == 0 && events.capacity() > SHRINK_ABOVE) {
                events = ByteBuffer.allocate(INITIAL_BUFFER);
                return;
            }
            if (p > 0 && rest > 0) {
                System.arraycopy(a, p, a, 0, rest);
            }
            events.position(rest);
        }

        /** One line of the event stream: {@code data:} of a frame is handled as a WebSocket text frame would be. */
        private void line(byte[] a, int from, int end, long received) throws IOException {
            if (from == end) {
                event = null; // the end of an event
            } else if (regionIs(a, from, end, DATA)) {
                int at = from + DATA.length;
                if (at < end && a[at] == ' ') {
                    at++;
                }
                if (event == null) {
                    text(a, at, end - at, received);
                } else if (event.equals("stream")) {
                    String data = new String(a, at, end - at, StandardCharsets.UTF_8);
                    int key = data.indexOf("\"stream\":\"");
                    if (key >= 0) {
                        int value = key + "\"stream\":\"".length();
                        streamToken = data.substring(value, data.indexOf('"', value));
                    }
                } else if (event.equals("close")) {
                    fail("closed by the server: " + new String(a, at, end - at, StandardCharsets.UTF_8), null);
                }
            } else if (regionIs(a, from, end, EVENT)) {
                event = new String(a, from + EVENT.length, end - from - EVENT.length, StandardCharsets.UTF_8).trim();
            }
            // ": ping" comments and "id:" lines: nothing to do
        }

        /** POSTs the {@code join} to the stream's token; {@code joined} then comes on the stream. */
        private void postJoin() {
            String token = streamToken;
            if (token == null) {
                joined.completeExceptionally(new IllegalStateException("welcome came before the stream token"));
                return;
            }
            HttpRequest post = HttpRequest.newBuilder(client.sseBase.resolve(token))
                    .version(HttpClient.Version.HTTP_1_1)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(client.joinFrame))
                    .build();
            client.http.sendAsync(post, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                if (error != null) {
                    joined.completeExceptionally(error);
                } else if (response.statusCode() != 202) {
                    joined.completeExceptionally(
                            new IllegalStateException("join POST answered " + response.statusCode()));
                }
            });
        }

        // ---- writing

        /** Sends one masked frame (all client frames are small: join, pong, close). */
        private void send(int opcode, byte[] payload, int offset, int length) throws IOException {
            if (state == CLOSED || channel == null) {
                return;
            }
            ByteBuffer b = io.scratch(length + 14);
            b.put((byte) (0x80 | opcode));
            if (length < 126) {
                b.put((byte) (0x80 | length));
            } else if (length < 65_536) {
                b.put((byte) (0x80 | 126)).putShort((short) length);
            } else {
                b.put((byte) (0x80 | 127)).putLong(length);
            }
            int mask = io.nextMask();
            b.putInt(mask);
            byte[] dst = b.array();
            int at = b.position();
            for (int i = 0; i < length; i++) {
                dst[at + i] = (byte) (payload[offset + i] ^ (mask >>> (24 - ((i & 3) << 3))));
            }
            b.position(at + length);
            b.flip();
            write(b);
        }

        private void write(ByteBuffer b) throws IOException {
            if (out == null) {
                channel.write(b);
                if (!b.hasRemaining()) {
                    return;
                }
                out = ByteBuffer.allocate(Math.max(b.remaining(), 1024));
            } else if (out.remaining() < b.remaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(out.capacity() * 2 + b.remaining());
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(b);
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }

        void flush() throws IOException {
            if (out == null) {
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                return;
            }
            out.flip();
            channel.write(out);
            if (out.hasRemaining()) {
                out.compact();
                return;
            }
            out = null;
            key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            if (closeAfterFlush) {
                closeChannel();
            }
        }

        // ---- closing

        /** The server's close frame: answers it (unless it answers ours) and closes the socket. */
        private void closeReceived(byte[] a, int offset, int length) throws IOException {
            if (state == CLOSE_SENT) {
                closeChannel();
                fail(null, null);
                return;
            }
            int code = length >= 2 ? ((a[offset] & 0xFF) << 8) | (a[offset + 1] & 0xFF) : 1005;
            String reason = length > 2 ? new String(a, offset + 2, length - 2, StandardCharsets.UTF_8) : "";
            gone("closed by the server: " + code + " " + reason, null);
            // echo the status code, as RFC 6455 5.5.1 suggests
            send(OP_CLOSE, a, offset, Math.min(length, 2));
            state = CLOSE_SENT;
            if (out == null) {
                closeChannel();
            } else {
                closeAfterFlush = true;
            }
        }

        /** The end of the run: starts the close handshake, or drops a connection that never opened. */
        void closeGracefully() {
            if (client.sseBase != null) {
                fail(null, null); // an event stream ends when its client goes; the server notices
            } else if (state == OPEN) {
                try {
                    send(OP_CLOSE, CLOSE_DONE, 0, CLOSE_DONE.length);
                    state = CLOSE_SENT;
                } catch (IOException | RuntimeException e) {
                    fail("close failed: " + e, e);
                }
            } else if (state != CLOSE_SENT) {
                fail(null, null);
            }
        }

        private void protocolError(String what) throws IOException {
            if (state == OPEN) {
                byte[] payload = closePayload(1002, "");
                send(OP_CLOSE, payload, 0, payload.length);
            }
            fail("protocol error: " + what, null);
        }

        /** Ends the connection; {@code what} (if any) is recorded as an unexpected close unless the run is closing. */
        void fail(String what, Throwable error) {
            if (what != null) {
                gone(what, error);
            } else {
                closed = true;
                if (!joined.isDone()) {
                    joined.completeExceptionally(new IllegalStateException(name + " closed before it joined"));
                }
            }
            closeChannel();
        }

        void closeChannel() {
            state = CLOSED;
            channelOpen = false;
            if (key != null) {
                key.cancel();
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] closePayload(int code, String reason) {
        byte[] text = bytes(reason);
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return payload;
    }

    static String expectedAccept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Index of {@code needle} in {@code a[from, end)}, or -1. */
    static int indexOf(byte[] a, int from, int end, byte[] needle) {
        byte first = needle[0];
        int last = end - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            if (a[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean regionIs(byte[] a, int at, int end, byte[] expected) {
        if (at + expected.length > end) {
            return false;
        }
        for (int j = 0; j < expected.length; j++) {
            if (a[at + j] != expected[j]) {
                return false;
            }
        }
        return true;
    }
}
