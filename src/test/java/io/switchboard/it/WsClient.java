package io.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/** A real WebSocket client (java.net.http) that queues every frame it receives, for tests. */
public final class WsClient implements WebSocket.Listener, AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final BlockingQueue<Long> pings = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile String closeReason;
    private volatile long closedAtNanos;
    private WebSocket socket;

    private WsClient() {}

    /**
     * Connects to {@code path} (e.g. {@code /ws/chat}, may have a query) as the user {@code name}, with a one-time
     * ticket obtained for a signed token (null: anonymously).
     */
    public static WsClient connect(URI base, String path, String name) {
        return connect(base, path, name, null);
    }

    /** As {@link #connect(URI, String, String)}; a {@code wss://} base is reached through {@code tls} (null: the JDK's). */
    public static WsClient connect(URI base, String path, String name, SSLContext tls) {
        String query = name == null
                ? ""
                : (path.contains("?") ? "&" : "?") + "ticket="
                        + URLEncoder.encode(Servers.ticket(base, name, tls), StandardCharsets.UTF_8);
        return open(URI.create(base + path + query), tls);
    }

    /** Opens a socket to {@code target}; {@code headers} are name, value pairs for the handshake. */
    public static WsClient open(URI target, String... headers) {
        return open(target, (SSLContext) null, headers);
    }

    /**
     * Opens {@code target}; over TLS the server's certificate must be trusted by {@code tls} (null: the JDK's
     * defaults); {@code headers} are name, value pairs for the handshake.
     */
    public static WsClient open(URI target, SSLContext tls, String... headers) {
        return open(target, tls, List.of(), headers);
    }

    /**
     * Opens {@code target} offering {@code subprotocols} in the handshake, most preferred first (none: no
     * {@code Sec-WebSocket-Protocol} header); {@link #subprotocol()} says which one the server chose.
     */
    public static WsClient open(URI target, SSLContext tls, List<String> subprotocols, String... headers) {
        WsClient client = new WsClient();
        HttpClient http =
                tls == null ? HTTP : HttpClient.newBuilder().sslContext(tls).build();
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(TIMEOUT);
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        if (!subprotocols.isEmpty()) {
            builder.subprotocols(
                    subprotocols.get(0),
                    subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        client.socket = builder.buildAsync(target, client)
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
        return client;
    }

    /** Connects to the notification endpoint as {@code name}, resuming after {@code since}; waits for the welcome. */
    public static WsClient notifications(URI base, String name, long since) {
        WsClient client = connect(base, "/ws/notifications?since=" + since, name);
        client.expect("welcome");
        return client;
    }

    /** Connects to the chat endpoint and waits for the welcome frame. */
    public static WsClient chat(URI base, String name) {
        return chat(base, name, null);
    }

    /** As {@link #chat(URI, String)}, over TLS trusting what {@code tls} trusts (for a {@code wss://} base). */
    public static WsClient chat(URI base, String name, SSLContext tls) {
        WsClient client = connect(base, "/ws/chat", name, tls);
        client.expect("welcome");
        return client;
    }

    public WsClient send(String json) {
        socket.sendText(json, true)
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
        return this;
    }

    public void sendBinary(byte[] data) {
        socket.sendBinary(ByteBuffer.wrap(data), true)
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
    }

    /** Joins a room and returns the {@code joined} reply. */
    public JsonObject join(String room) {
        send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
        return expect("joined", f -> room.equals(f.getString("room")));
    }

    /** Posts a message and returns its {@code ack}. */
    public JsonObject post(String room, String text, String clientId) {
        send(Json.createObjectBuilder()
                .add("type", "post")
                .add("room", room)
                .add("text", text)
                .add("clientId", clientId)
                .build()
                .toString());
        return expect("ack", f -> clientId.equals(f.getString("clientId")));
    }

    /** The next frame, whatever its type. */
    public JsonObject next() {
        try {
            JsonObject frame = frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within " + TIMEOUT);
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the first frame: true when it is the welcome, false when the server closed the connection first. */
    public boolean welcomed() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                JsonObject frame = frames.poll(50, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    return "welcome".equals(frame.getString("type", null));
                }
                if (closeCode.isDone()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("neither a welcome nor a close within " + TIMEOUT);
    }

    public JsonObject expect(String type) {
        return expect(type, f -> true);
    }

    /** The next frame of this type that matches; frames of other types before it are skipped. */
    public JsonObject expect(String type, Predicate<JsonObject> matching) {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            JsonObject frame;
            try {
                frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (frame == null) {
                break;
            }
            if (type.equals(frame.getString("type", null)) && matching.test(frame)) {
                return frame;
            }
            skipped.add(frame.toString());
        }
        throw new AssertionError(
                "no matching '" + type + "' frame within " + TIMEOUT + "; got " + skipped + "; " + state());
    }

    /** For failure messages: whether the server closed the connection, with what, or whether it failed. */
    private String state() {
        if (!closeCode.isDone()) {
            return "the connection is open";
        }
        return closeCode
                .handle((code, error) -> error == null
                        ? "the server closed the connection: " + code + " " + closeReason
                        : "the connection failed: " + error)
                .join();
    }

    /** True when no frame of this type arrives within the wait (other frames are consumed). */
    public boolean receivesNo(String type, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                JsonObject frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && type.equals(frame.getString("type", null))) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** True when no frame of this type matching arrives within the wait (other frames are consumed). */
    public boolean receivesNo(String type, Predicate<JsonObject> matching, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                JsonObject frame = frames.poll(left, TimeUnit.NANOSECONDS);
                if (frame != null && type.equals(frame.getString("type", null)) && matching.test(frame)) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Every frame received and not yet taken, in arrival order (after a close: all that came before it). */
    public List<JsonObject> drain() {
        List<JsonObject> all = new ArrayList<>();
        frames.drainTo(all);
        return all;
    }

    /** When ({@link System#nanoTime}) the next server ping after {@code afterNanos} arrived, waiting for it. */
    public long nextPingAfter(long afterNanos) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                Long at = pings.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (at != null && at > afterNanos) {
                    return at;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("no ping within " + TIMEOUT);
    }

    /** The close code the server sent, waiting for it. */
    public int closeCode() {
        return closeCode.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public String closeReason() {
        closeCode();
        return closeReason;
    }

    /** When ({@link System#nanoTime}) the server's Close frame arrived, waiting for it. */
    public long closedAtNanos() {
        closeCode();
        return closedAtNanos;
    }

    /** The subprotocol the server chose in the handshake; empty when it chose none. */
    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public boolean isOpen() {
        return !socket.isInputClosed() && !closeCode.isDone();
    }

    /** Drops the TCP connection without a close frame, as a crashed browser or a cut network would. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            frames.add(Json.createReader(new StringReader(partial.toString())).readObject());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.add(System.nanoTime());
        return WebSocket.Listener.super.onPing(webSocket, message); // the JDK answers with a pong
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closedAtNanos = System.nanoTime();
        closeReason = reason;
        closeCode.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closeCode.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye")
                    .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .exceptionally(e -> null)
                    .join();
        }
    }
}
