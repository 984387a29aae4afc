package io.switchboard.sse;

import io.switchboard.websocket.FrameSender;
import io.switchboard.websocket.OutboundFrame;
import io.switchboard.websocket.PeerSession;
import io.switchboard.websocket.Protocol;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Extension;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import jakarta.ws.rs.sse.OutboundSseEvent;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * A Server-Sent Events stream as the WebSocket plumbing sees a connection's session: frames become events of the
 * {@link SseStream}, a ping a {@code : ping} comment (written = the client counts as heard), a close the {@code close}
 * event. It brings its own {@link FrameSender}, which queues like Undertow's remote (frames are handed over without
 * waiting; the connection's send queue limit counts those not yet written), so the slow-consumer rule holds. What a
 * WebSocket session receives comes here by POST ({@link SseStreams#post}); message handlers are not used.
 */
public final class SseSession implements Session, FrameSender.Source, PeerSession {

    private final String id;
    private final String token;
    private final URI requestUri;
    private final Map<String, List<String>> parameters;
    private final boolean secure;
    private final String remoteAddress;
    private final java.util.concurrent.atomic.AtomicLong bytesIn = new java.util.concurrent.atomic.AtomicLong();
    private final boolean numbered;
    private final SseStream stream;
    private final Runnable heard;
    private final Map<String, Object> userProperties = new ConcurrentHashMap<>();
    private final Remote remote = new Remote();
    private volatile int maxText;
    private volatile int maxBinary;

    /**
     * @param id the connection id (in the welcome frame, the admin's list and the logs)
     * @param token the secret that POSTs to this stream must name
     * @param remoteAddress the client's {@code host:port} (the stream request's), for the traffic log
     * @param numbered whether {@code notification} frames carry their {@code seq} as the event id
     * @param heard called when a ping was written
     */
    SseSession(
            String id,
            String token,
            URI requestUri,
            Map<String, List<String>> parameters,
            boolean secure,
            String remoteAddress,
            boolean numbered,
            SseStream stream,
            Runnable heard) {
        this.id = id;
        this.token = token;
        this.requestUri = requestUri;
        this.parameters = Map.copyOf(parameters);
        this.secure = secure;
        this.remoteAddress = remoteAddress;
        this.numbered = numbered;
        this.stream = stream;
        this.heard = heard;
    }

    String token() {
        return token;
    }

    SseStream stream() {
        return stream;
    }

    /** A POST body for this stream arrived (on this node or another). */
    void received(long bytes) {
        bytesIn.addAndGet(bytes);
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public long bytesIn() {
        return bytesIn.get();
    }

    @Override
    public FrameSender frameSender() {
        if (stream.writesWithoutBlocking()) {
            return new FrameSender() {
                @Override
                public void send(String text, SendHandler done) {
                    remote.sendText(text, done);
                }

                @Override
                public boolean pipelined() {
                    return true;
                }

                @Override
                public boolean batches() {
                    return true;
                }

                @Override
                public void sendBatch(List<OutboundFrame> frames) {
                    if (stream.writesEncoded()) {
                        byte[] events = EventBytes.of(frames, numbered);
                        stream.writeEncoded(events, events.length);
                        return;
                    }
                    List<OutboundSseEvent> events = new ArrayList<>(frames.size());
                    for (OutboundFrame frame : frames) {
                        String text = frame.text();
                        events.add(stream.frame(text, numbered ? eventId(text) : null));
                    }
                    stream.writeNow(events);
                }

                @Override
                public boolean writing() {
                    return stream.busy();
                }

                @Override
                public boolean whenWritten(Runnable wake) {
                    return stream.whenNotBusy(wake);
                }

                @Override
                public String path() {
                    return stream.writesEncoded()
                            ? "Server-Sent Events (pre-encoded batches on the send loop)"
                            : "Server-Sent Events (batches on the send loop)";
                }
            };
        }
        return new FrameSender() {
            @Override
            public void send(String text, SendHandler done) {
                remote.sendText(text, done);
            }

            @Override
            public boolean pipelined() {
                return true;
            }

            @Override
            public String path() {
                return "Server-Sent Events (one writer per stream)";
            }
        };
    }

    /** The {@code seq} of a {@code notification} frame, as its event id; null for any other frame. */
    static String eventId(String json) {
        if (!json.startsWith("{\"type\":\"notification\"")) {
            return null;
        }
        int at = json.indexOf("\"seq\":");
        if (at < 0 || (json.charAt(at - 1) != ',' && json.charAt(at - 1) != '{')) {
            return null;
        }
        int start = at + 6;
        int end = start;
        while (end < json.length() && Character.isDigit(json.charAt(end))) {
            end++;
        }
        return end == start ? null : json.substring(start, end);
    }

    @Override
    public String getId() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return stream.open();
    }

    @Override
    public void close() {
        close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
    }

    @Override
    public void close(CloseReason reason) {
        stream.close(reason);
    }

    @Override
    public RemoteEndpoint.Async getAsyncRemote() {
        return remote;
    }

    @Override
    public RemoteEndpoint.Basic getBasicRemote() {
        throw new UnsupportedOperationException("an event stream is written through the async remote");
    }

    @Override
    public URI getRequestURI() {
        return requestUri;
    }

    @Override
    public Map<String, List<String>> getRequestParameterMap() {
        return parameters;
    }

    @Override
    public String getQueryString() {
        return requestUri.getRawQuery();
    }

    @Override
    public Map<String, String> getPathParameters() {
        return Map.of();
    }

    @Override
    public Map<String, Object> getUserProperties() {
        return userProperties;
    }

    @Override
    public Principal getUserPrincipal() {
        return null; // the identity was established by the stream's request (IdentityResolver.ESTABLISHED)
    }

    @Override
    public Set<Session> getOpenSessions() {
        return Set.of(this);
    }

    @Override
    public boolean isSecure() {
        return secure;
    }

    @Override
    public String getProtocolVersion() {
        return "sse";
    }

    @Override
    public String getNegotiatedSubprotocol() {
        return Protocol.V1;
    }

    @Override
    public List<Extension> getNegotiatedExtensions() {
        return List.of();
    }

    @Override
    public WebSocketContainer getContainer() {
        return null;
    }

    @Override
    public void addMessageHandler(MessageHandler handler) {
        throw new UnsupportedOperationException("frames reach an event stream by POST");
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Whole<T> handler) {
        throw new UnsupportedOperationException("frames reach an event stream by POST");
    }

    @Override
    public <T> void addMessageHandler(Class<T> type, MessageHandler.Partial<T> handler) {
        throw new UnsupportedOperationException("frames reach an event stream by POST");
    }

    @Override
    public Set<MessageHandler> getMessageHandlers() {
        return Set.of();
    }

    @Override
    public void removeMessageHandler(MessageHandler handler) {}

    @Override
    public long getMaxIdleTimeout() {
        return 0;
    }

    @Override
    public void setMaxIdleTimeout(long milliseconds) {
        // the heartbeat decides
    }

    @Override
    public void setMaxBinaryMessageBufferSize(int length) {
        maxBinary = length;
    }

    @Override
    public int getMaxBinaryMessageBufferSize() {
        return maxBinary;
    }

    @Override
    public void setMaxTextMessageBufferSize(int length) {
        maxText = length;
    }

    @Override
    public int getMaxTextMessageBufferSize() {
        return maxText;
    }

    @Override
    public String toString() {
        return "SseSession[" + id + "]";
    }

    /** Text frames as events; pings as comments; no binary. */
    private final class Remote implements RemoteEndpoint.Async {

        @Override
        public void sendText(String text, SendHandler handler) {
            stream.write(
                    stream.frame(text, numbered ? eventId(text) : null),
                    failed -> handler.onResult(failed == null ? new SendResult() : new SendResult(failed)));
        }

        @Override
        public Future<Void> sendText(String text) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            sendText(text, result -> {
                if (result.isOK()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(result.getException());
                }
            });
            return done;
        }

        @Override
        public void sendPing(ByteBuffer data) {
            stream.write(stream.comment("ping"), failed -> {
                if (failed == null) {
                    heard.run();
                } else {
                    stream.end(
                            new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "the stream broke: " + failed));
                }
            });
        }

        @Override
        public void sendPong(ByteBuffer data) {}

        @Override
        public Future<Void> sendBinary(ByteBuffer data) {
            throw new UnsupportedOperationException("an event stream carries text");
        }

        @Override
        public void sendBinary(ByteBuffer data, SendHandler handler) {
            throw new UnsupportedOperationException("an event stream carries text");
        }

        @Override
        public Future<Void> sendObject(Object data) {
            throw new UnsupportedOperationException("frames are encoded before they are sent");
        }

        @Override
        public void sendObject(Object data, SendHandler handler) {
            throw new UnsupportedOperationException("frames are encoded before they are sent");
        }

        @Override
        public long getSendTimeout() {
            return 0;
        }

        @Override
        public void setSendTimeout(long timeoutmillis) {}

        @Override
        public void setBatchingAllowed(boolean allowed) {}

        @Override
        public boolean getBatchingAllowed() {
            return false;
        }

        @Override
        public void flushBatch() {}
    }
}
