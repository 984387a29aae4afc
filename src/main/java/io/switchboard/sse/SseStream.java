package io.switchboard.sse;

import io.switchboard.websocket.ResteasyOutput;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The write side of one Server-Sent Events stream: events are written one after the other, in the order they were
 * handed over, on a writer thread, never on the caller's (the JAX-RS sinks may block while the client does not read).
 * Where the sink's writes cannot block, frames are instead written in batches by the connection's send loop: through
 * the sink on Payara ({@link #writeNow}), as pre-encoded bytes to RESTEasy's output under the sink on WildFly
 * ({@link #writeEncoded}); the {@code stream} event, pings and the {@code close} event still take the writer.
 * A close writes the {@code close} event after everything handed over before it and then ends the response; a close
 * that cannot be written within {@link #CLOSE_AT_THE_LATEST} (a client that does not read) ends it anyway.
 */
final class SseStream {

    private static final Logger LOG = Logger.getLogger(SseStream.class.getName());
    /** The longest a close waits for the events before it (and its own) to be written. */
    static final Duration CLOSE_AT_THE_LATEST = Duration.ofSeconds(5);

    private final SseEventSink sink;
    private final Sse sse;
    private final Executor writers;
    private final ScheduledExecutorService timer;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Consumer<CloseReason> onEnd;
    private volatile Throwable broken;
    /** The container let go of the response (the client went away): the sink must not be touched any more. */
    private volatile boolean gone;
    /** Whether writes wait: until the request that opened the stream has left the resource ({@link #release}). */
    private volatile boolean held = true;
    /** Whether the container still holds earlier writes for the socket (unknown: never). */
    private volatile BooleanSupplier containerWriting = () -> false;
    /** RESTEasy's output under the sink, where frames go as pre-encoded bytes ({@link #writeEncoded}); or null. */
    private final ResteasyOutput encoded;
    /** The last {@link #writeEncoded}, until the container has handed it to the socket. */
    private volatile CompletableFuture<?> lastEncoded;
    /** Run whenever {@link #busy} may have turned false ({@link #whenNotBusy}). */
    private volatile Runnable notBusy = () -> {};

    /**
     * @param writers runs the writes (a task per burst of events; any thread pool)
     * @param onEnd called once when the response has ended, with the reason of the close
     */
    SseStream(
            SseEventSink sink, Sse sse, Executor writers, ScheduledExecutorService timer, Consumer<CloseReason> onEnd) {
        this.sink = sink;
        this.sse = sse;
        this.writers = writers;
        this.timer = timer;
        this.onEnd = onEnd;
        this.encoded = ResteasyOutput.of(sink).orElse(null);
    }

    /** Whether the stream is still open: no close was asked for, and it has not ended. */
    boolean open() {
        return !closing.get() && !ended.get();
    }

    /** Writes one event after those handed over before; {@code done} gets null when it was written, else the failure. */
    void write(OutboundSseEvent event, Consumer<Throwable> done) {
        run(() -> done.accept(send(event)));
    }

    /**
     * Whether {@link #writeNow} may be used: the sink's sends return at once (Jersey, which hands the event to the
     * container's buffer without waiting for the socket), so frames can be written on the connection's send loop, a
     * batch at a time, instead of on a writer thread per stream.
     */
    boolean writesWithoutBlocking() {
        return encoded != null || sink.getClass().getName().startsWith("org.glassfish.jersey.");
    }

    /**
     * Whether frames are written as pre-encoded {@code text/event-stream} bytes, several events per write
     * ({@link #writeEncoded}: RESTEasy's output under the sink, WildFly), rather than one event each through the sink.
     */
    boolean writesEncoded() {
        return encoded != null;
    }

    /**
     * Writes complete events ({@link EventBytes}), the first {@code length} bytes of {@code events}, now, without
     * waiting for the socket (only when {@link #writesEncoded} and not {@link #busy}); throws when the stream has ended
     * or a write failed. Until the container has handed them to the socket the stream is {@link #busy}.
     */
    void writeEncoded(byte[] events, int length) {
        Throwable failed = broken;
        if (failed != null || ended.get()) {
            throw new IllegalStateException("the event stream has ended", failed);
        }
        try {
            CompletableFuture<?> written = encoded.write(events, length).toCompletableFuture();
            lastEncoded = written;
            written.whenComplete((ok, error) -> {
                if (error != null) {
                    broken = error;
                }
                notBusy.run();
            });
        } catch (RuntimeException e) {
            broken = e;
            throw e;
        }
    }

    /**
     * Asks to have {@code wake} run (on any thread) whenever {@link #busy} may have turned false; false when that cannot
     * be told (the container's write queue is only looked at: the caller looks again itself).
     */
    boolean whenNotBusy(Runnable wake) {
        if (encoded == null) {
            return false;
        }
        notBusy = wake;
        return true;
    }

    /** Tells whether the container still holds earlier writes of this stream for the socket (see {@link #busy}). */
    void containerWriting(BooleanSupplier writing) {
        containerWriting = writing;
    }

    /**
     * Whether {@link #writeNow} must wait: writes are still held ({@link #release}), the writer still has events to
     * write (the {@code stream} event must go first), or the container still holds earlier writes (a client that
     * reads slowly: the frames then wait in the connection's send queue, where they count as a slow consumer's).
     */
    boolean busy() {
        CompletableFuture<?> last = lastEncoded;
        return held || waiting.get() != 0 || (last != null && !last.isDone()) || containerWriting.getAsBoolean();
    }

    /**
     * Writes events now, in order, on the caller's thread (only when {@link #writesWithoutBlocking} and not
     * {@link #busy}); throws when the stream has ended or a write failed.
     */
    void writeNow(List<OutboundSseEvent> events) {
        for (OutboundSseEvent event : events) {
            Throwable failed = broken;
            if (failed != null || ended.get()) {
                throw new IllegalStateException("the event stream has ended", failed);
            }
            try {
                sink.send(event).whenComplete((ok, error) -> {
                    if (error != null) {
                        broken = error;
                    }
                });
            } catch (RuntimeException e) {
                broken = e;
                throw e;
            }
        }
    }

    /** A frame event: {@code data:} the JSON frame, {@code id:} when {@code id} is not null. */
    OutboundSseEvent frame(String json, String id) {
        OutboundSseEvent.Builder builder =
                sse.newEventBuilder().mediaType(MediaType.TEXT_PLAIN_TYPE).data(String.class, json);
        if (id != null) {
            builder.id(id);
        }
        return builder.build();
    }

    /** A named event (e.g. {@code stream}) with a JSON {@code data:}. */
    OutboundSseEvent named(String name, String json) {
        return sse.newEventBuilder()
                .name(name)
                .mediaType(MediaType.TEXT_PLAIN_TYPE)
                .data(String.class, json)
                .build();
    }

    /** A comment line ({@code : ping}): proxies see traffic, clients ignore it. */
    OutboundSseEvent comment(String text) {
        return sse.newEventBuilder().comment(text).build();
    }

    /**
     * Writes the {@code close} event ({@code {"code":…,"reason":…}}) after the events handed over before and ends the
     * response; later calls do nothing.
     */
    void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        String json = Json.createObjectBuilder()
                .add("code", reason.getCloseCode().getCode())
                .add("reason", reason.getReasonPhrase() == null ? "" : reason.getReasonPhrase())
                .build()
                .toString();
        run(() -> {
            send(named("close", json));
            end(reason);
        });
        try {
            // on a writer thread of its own: the stream's writer (and an end) may be blocked by a client that does not
            // read
            timer.schedule(
                    () -> writers.execute(() -> end(reason)), CLOSE_AT_THE_LATEST.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            end(reason); // shutting down
        }
    }

    /**
     * The container reports the response over (its {@code AsyncListener}: the client went away, or it completed): the
     * sink is not used again, since a container may hand the pooled response to another request (Payara), and the
     * connection ends (1006 when it was not closing).
     */
    void gone() {
        gone = true;
        broken = new IllegalStateException("the client went away");
        end(new CloseReason(CloseReason.CloseCodes.CLOSED_ABNORMALLY, "the client went away"));
    }

    /**
     * Ends the response once, whatever is still queued; the events not yet written are lost. The connection is let go
     * first: ending the response may block while a write to a client that does not read is under way.
     */
    void end(CloseReason reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        try {
            onEnd.accept(reason);
        } finally {
            try {
                if (!gone && broken == null) {
                    sink.close(); // not after a failed write: the runtime has given up the response itself
                }
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "Ending an event stream failed: {0}", e.toString());
            }
        }
    }

    private Throwable send(OutboundSseEvent event) {
        Throwable failed = broken;
        if (failed != null || ended.get()) {
            return failed != null ? failed : new IllegalStateException("the event stream has ended");
        }
        try {
            sink.send(event).toCompletableFuture().get();
            return null;
        } catch (ExecutionException e) {
            failed = e.getCause() == null ? e : e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed = e;
        } catch (RuntimeException e) {
            failed = e;
        }
        broken = failed;
        return failed;
    }

    /**
     * Lets the writes begin, {@code graceMillis} from now: the request thread that opened the stream must have left
     * the resource and the JAX-RS runtime suspended the request first (on Payara, writes from another thread while the
     * request thread still finishes it were seen to cut this and other streams).
     */
    void release(long graceMillis) {
        Runnable start = () -> {
            held = false;
            if (waiting.getAndIncrement() == 0) {
                writers.execute(this::drain); // which wakes the send loop when done
            } else {
                waiting.decrementAndGet();
            }
        };
        try {
            timer.schedule(start, graceMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            start.run();
        }
    }

    /** Runs the tasks one at a time, in the order handed over, on a writer thread. */
    private void run(Runnable task) {
        tasks.add(task);
        if (held) {
            return; // release() starts the writer
        }
        if (waiting.getAndIncrement() == 0) {
            try {
                writers.execute(this::drain);
            } catch (RejectedExecutionException e) {
                tasks.clear();
                waiting.set(0);
                end(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server shutting down"));
            }
        }
    }

    private void drain() {
        do {
            for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "Writing to an event stream failed", e);
                }
            }
        } while (waiting.decrementAndGet() != 0);
        notBusy.run();
    }
}
