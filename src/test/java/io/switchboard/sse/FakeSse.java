package io.switchboard.sse;

import jakarta.ws.rs.core.GenericType;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** An {@link Sse} whose events are plain records, and a sink that records them as the lines of the stream. */
final class FakeSse implements Sse {

    /** One event as written: {@code event:}, {@code id:}, {@code data:} or {@code :comment}. */
    record Event(String name, String id, String data, String comment) implements OutboundSseEvent {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getComment() {
            return comment;
        }

        @Override
        public long getReconnectDelay() {
            return -1;
        }

        @Override
        public boolean isReconnectDelaySet() {
            return false;
        }

        @Override
        public Class<?> getType() {
            return String.class;
        }

        @Override
        public java.lang.reflect.Type getGenericType() {
            return String.class;
        }

        @Override
        public MediaType getMediaType() {
            return MediaType.TEXT_PLAIN_TYPE;
        }

        @Override
        public Object getData() {
            return data;
        }
    }

    @Override
    public OutboundSseEvent.Builder newEventBuilder() {
        return new OutboundSseEvent.Builder() {
            private String name;
            private String id;
            private String data;
            private String comment;

            @Override
            public OutboundSseEvent.Builder id(String value) {
                id = value;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder name(String value) {
                name = value;
                return this;
            }

            @Override
            public OutboundSseEvent.Builder reconnectDelay(long milliseconds) {
                return this;
            }

            @Override
            public OutboundSseEvent.Builder mediaType(MediaType mediaType) {
                return this;
            }

            @Override
            public OutboundSseEvent.Builder comment(String value) {
                comment = value;
                return this;
            }

            @Override
            @SuppressWarnings("rawtypes")
            public OutboundSseEvent.Builder data(Class type, Object value) {
                data = String.valueOf(value);
                return this;
            }

            @Override
            @SuppressWarnings("rawtypes")
            public OutboundSseEvent.Builder data(GenericType type, Object value) {
                data = String.valueOf(value);
                return this;
            }

            @Override
            public OutboundSseEvent.Builder data(Object value) {
                data = String.valueOf(value);
                return this;
            }

            @Override
            public OutboundSseEvent build() {
                return new Event(name, id, data, comment);
            }
        };
    }

    @Override
    public SseBroadcaster newBroadcaster() {
        throw new UnsupportedOperationException();
    }

    /** Records what is sent; can fail every send, or hold sends until released (a client that does not read). */
    static final class Sink implements SseEventSink {
        final BlockingQueue<Event> sent = new LinkedBlockingQueue<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean failing;
        volatile CountDownLatch hold = new CountDownLatch(0);

        @Override
        public boolean isClosed() {
            return closes.get() > 0;
        }

        @Override
        public CompletionStage<?> send(OutboundSseEvent event) {
            threads.add(Thread.currentThread().getName());
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                return CompletableFuture.failedFuture(new java.io.IOException("broken pipe"));
            }
            sent.add((Event) event);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            hold.countDown();
        }
    }
}
