package io.switchboard.websocket;

import io.switchboard.protocol.ErrorFrame;
import io.switchboard.protocol.Json;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.identity.Identity;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: its identity, its send queue and how it ends. Every frame to a client and every close
 * goes through here, so that slow-consumer, drain and overload policies have a single home.
 * <p>
 * Sending never blocks the caller: frames are handed to the container's {@link FrameSender}; a connection whose
 * pending frames exceed the configured limit is closed as a slow consumer instead of holding back others.
 */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final int BATCH_BYTES = 65_536;
    static final int MAX_INBOUND = 1_024;
    private static final int BATCH_FRAMES = 256;
    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'h', 'b'}).asReadOnlyBuffer();

    private final String id;
    private final Session session;
    private final Identity identity;
    private final FrameSender sender;
    private final int maxPending;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicReference<CloseReason> closeWhenFlushed = new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean sessionClosed;
    private final Strikes strikes;
    private final RateLimit inboundRate;
    private final Strikes drops;
    private final AtomicBoolean flooding = new AtomicBoolean();
    private volatile long lastSeenNanos = System.nanoTime();
    private volatile long lastPingNanos = lastSeenNanos;

    // Frames waiting: for containers that take one frame at a time, or for coalesced writes
    private final Queue<OutboundFrame> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger drainers = new AtomicInteger();
    private volatile boolean inFlight;
    // This connection's send loop (one thread, tasks in order): frames are queued and written there, so they keep
    // the order in which they were handed over; at most one flush per connection at a time
    private final ScheduledExecutorService loop;
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    // Client messages waiting for a message worker, handled one at a time in arrival order
    private final Executor handlers;
    private final Queue<Runnable> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboundSize = new AtomicInteger();
    private final AtomicBoolean inboundScheduled = new AtomicBoolean();

    /**
     * @param loop the send loop: a single thread running its tasks in order (null: queue and send on the caller)
     * @param handlers runs the handling of client messages (null: on the caller)
     */
    Connection(String id, Session session, Identity identity, FrameSender sender, int maxPending, Strikes strikes,
            ScheduledExecutorService loop, Executor handlers, RateLimit inboundRate, Strikes drops) {
        this.id = id;
        this.session = session;
        this.identity = identity;
        this.sender = sender;
        this.maxPending = maxPending;
        this.strikes = strikes;
        this.loop = loop;
        this.handlers = handlers;
        this.inboundRate = inboundRate;
        this.drops = drops == null ? strikes : drops;
    }

    /** Whether one more client message fits this connection's rate limit. */
    boolean admit() {
        return inboundRate == null || inboundRate.tryAcquire();
    }

    /**
     * Runs the handling of one client message on a message worker, after this connection's earlier messages. A
     * client with more than {@value #MAX_INBOUND} messages waiting is closed with 1013.
     */
    public void process(Runnable task) {
        if (handlers == null) {
            task.run();
            return;
        }
        if (inboundSize.incrementAndGet() > MAX_INBOUND) {
            inboundSize.decrementAndGet();
            close(Close.TRY_AGAIN_LATER.reason("too many messages waiting to be processed"));
            return;
        }
        inbound.offer(task);
        scheduleInbound();
    }

    private void scheduleInbound() {
        if (inboundScheduled.compareAndSet(false, true)) {
            try {
                handlers.execute(this::runInbound);
            } catch (RejectedExecutionException e) {
                inboundScheduled.set(false); // shutting down
            }
        }
    }

    private void runInbound() {
        try {
            Runnable task;
            for (int i = 0; i < 64 && (task = inbound.poll()) != null; i++) {
                inboundSize.decrementAndGet();
                task.run();
            }
        } finally {
            inboundScheduled.set(false); // whatever a task threw, the connection's later messages still run
            if (!inbound.isEmpty()) {
                scheduleInbound();
            }
        }
    }

    public String id() {
        return id;
    }

    public Identity identity() {
        return identity;
    }

    public String userId() {
        return identity.userId();
    }

    /** Queues one encoded message for this client. */
    public void send(String text) {
        send(new OutboundFrame(text));
    }

    /**
     * Queues one frame for this client, after every frame handed over before it. Never blocks the caller; a client
     * that cannot keep up (more than the configured number of frames waiting for its socket) is closed as a slow
     * consumer.
     */
    public void send(OutboundFrame frame) {
        if (loop == null) {
            enqueue(frame);
        } else if (!closing.get()) {
            onLoop(() -> enqueue(frame));
        }
    }

    /**
     * Queues one frame for each of {@code receivers} but those of user {@code exceptUser} (may be null): one task per
     * send loop for all of its connections, so a broadcast costs the publisher a few hand-overs, not one per receiver.
     */
    public static void broadcast(Iterable<Connection> receivers, String exceptUser, OutboundFrame frame) {
        List<ScheduledExecutorService> loops = new ArrayList<>(4);
        List<List<Connection>> groups = new ArrayList<>(4);
        for (Connection connection : receivers) {
            if (exceptUser != null && exceptUser.equals(connection.userId())) {
                continue;
            }
            if (connection.loop == null) {
                connection.enqueue(frame);
                continue;
            }
            int group = 0;
            while (group < loops.size() && loops.get(group) != connection.loop) {
                group++;
            }
            if (group == loops.size()) {
                loops.add(connection.loop);
                groups.add(new ArrayList<>());
            }
            groups.get(group).add(connection);
        }
        for (int group = 0; group < loops.size(); group++) {
            List<Connection> connections = groups.get(group);
            try {
                loops.get(group).execute(() -> connections.forEach(c -> c.enqueue(frame)));
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /** On the send loop (or the caller, without one): queues the frame and writes what is queued. */
    private void enqueue(OutboundFrame frame) {
        if (closing.get()) {
            return;
        }
        if (pending.incrementAndGet() > maxPending) {
            pending.decrementAndGet();
            close(Close.SLOW_CONSUMER);
            return;
        }
        if (sender.pipelined() && loop != null) {
            queue.offer(frame);
            if (flushScheduled.compareAndSet(false, true)) {
                flush(); // on this connection's loop: no other flush of it runs now
            }
        } else if (sender.pipelined()) {
            dispatch(frame);
        } else {
            queue.offer(frame);
            drain();
        }
    }

    /**
     * Sends an error frame for a refused message; returns false when the client has used up its strikes and is
     * being closed with 1008.
     */
    public boolean reject(InvalidMessage problem) {
        send(Json.write(ErrorFrame.of(problem)));
        if (strikes.strike()) {
            closeWhenFlushed(Close.POLICY_VIOLATION.reason("too many invalid messages"));
            return false;
        }
        return true;
    }

    /**
     * Answers a message the rate limit dropped with its error frame at once, ahead of the replies to messages still
     * waiting to be handled. A client that keeps flooding (more drops than allowed within the strike window) is
     * closed with 1008 after the messages it sent before are handled and answered; what it sends after that is
     * ignored.
     */
    void drop(InvalidMessage problem) {
        send(Json.write(ErrorFrame.of(problem)));
        if (drops.strike() && flooding.compareAndSet(false, true)) {
            process(() -> closeWhenFlushed(Close.POLICY_VIOLATION.reason("too many messages (rate limit)")));
        }
    }

    /** Whether this client flooded and is being closed: its messages are ignored. */
    boolean flooding() {
        return flooding.get();
    }

    /**
     * Closes once the frames already queued for the client are written, so the error frames that explain the close
     * arrive before it. No frame is queued after this.
     */
    public void closeWhenFlushed(CloseReason reason) {
        if (loop == null) {
            close(reason);
            return;
        }
        if (!sender.pipelined()) {
            onLoop(() -> close(reason)); // after the frames handed over before it are queued
            return;
        }
        onLoop(() -> {
            if (closing.compareAndSet(false, true)) {
                closeWhenFlushed.set(reason);
                scheduleFlush(0);
            }
        });
    }

    public void close(Close why) {
        close(why.reason());
    }

    /** Closes once; later calls do nothing. The registry forgets the connection when the container reports the close. */
    public void close(CloseReason reason) {
        // a close waiting for queued frames (closeWhenFlushed) is overtaken: the client may never read them
        if (closing.compareAndSet(false, true) || closeWhenFlushed.getAndSet(null) != null) {
            if (loop == null) {
                closeSession(reason);
            } else {
                onLoopOrNow(() -> closeSession(reason)); // after any write already under way: no frame after Close
            }
        }
    }

    private void onLoopOrNow(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            task.run(); // shutting down
        }
    }

    private void closeSession(CloseReason reason) {
        sessionClosed = true;
        try {
            session.close(reason);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Closing {0} failed: {1}", new Object[] {id, e});
        }
    }

    /** Records that the client was heard from (any frame or pong). */
    public void touch() {
        lastSeenNanos = System.nanoTime();
    }

    public Duration silence() {
        return Duration.ofNanos(System.nanoTime() - lastSeenNanos);
    }

    /** How long since the client was last heard or pinged, whichever was later. */
    Duration sinceHeardOrPinged() {
        return Duration.ofNanos(System.nanoTime() - Math.max(lastSeenNanos, lastPingNanos));
    }

    void ping() {
        lastPingNanos = System.nanoTime();
        try {
            session.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "Ping to {0} failed: {1}", new Object[] {id, e});
        }
    }

    Session session() {
        return session;
    }

    private void dispatch(OutboundFrame frame) {
        try {
            sender.send(frame.text(), this::sent);
        } catch (RuntimeException e) {
            sent(new SendResult(e));
        }
    }

    private void sent(SendResult result) {
        pending.decrementAndGet();
        if (!result.isOK()) {
            LOG.log(Level.FINE, "Send to {0} failed: {1}", new Object[] {id, result.getException()});
            close(Close.INTERNAL_ERROR.reason("send failed"));
        }
        if (!sender.pipelined()) {
            inFlight = false;
            drain();
        }
    }

    /** Keeps one frame in flight; safe to call from any thread and from within a completion callback. */
    private void drain() {
        if (drainers.getAndIncrement() != 0) {
            return;
        }
        do {
            if (!inFlight) {
                OutboundFrame next = queue.poll();
                if (next != null) {
                    inFlight = true;
                    dispatch(next);
                }
            }
        } while (drainers.decrementAndGet() != 0);
    }

    private void scheduleFlush(long delayMillis) {
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                if (delayMillis == 0) {
                    loop.execute(this::flush);
                } else {
                    loop.schedule(this::flush, delayMillis, TimeUnit.MILLISECONDS);
                }
            } catch (RejectedExecutionException e) {
                flushScheduled.set(false); // shutting down
            }
        }
    }

    /**
     * Runs on the connection's send loop, never on the publisher's thread. A coalescing sender gets everything
     * queued (up to 64 KiB) in one raw write; while its earlier writes still wait in the container (the client reads
     * slowly), frames stay queued here, where they count towards the slow-consumer limit. Other pipelined senders
     * get the queued frames one by one.
     */
    private void flush() {
        try {
            flushQueued();
        } catch (RuntimeException | Error e) {
            flushScheduled.set(false);
            LOG.log(Level.WARNING, "Sending to " + this + " failed", e);
            close(Close.INTERNAL_ERROR.reason("send failed"));
        }
    }

    private void flushQueued() {
        if (sessionClosed || !session.isOpen()) {
            queue.clear(); // nobody will read them: a write queue that never drains must not keep us polling
            flushScheduled.set(false);
            return;
        }
        if (sender.coalesces()) {
            if (sender.writing()) {
                flushScheduled.set(false);
                scheduleFlush(1);
                return;
            }
            writeBatch();
        } else {
            OutboundFrame frame;
            for (int i = 0; i < BATCH_FRAMES && (frame = queue.poll()) != null; i++) {
                dispatch(frame);
            }
        }
        flushScheduled.set(false);
        if (!queue.isEmpty()) {
            scheduleFlush(0);
        } else if (closeWhenFlushed.get() != null) {
            CloseReason reason = closeWhenFlushed.getAndSet(null);
            if (reason != null) {
                closeSession(reason);
            }
        }
    }

    private void writeBatch() {
        OutboundFrame first = queue.poll();
        if (first == null) {
            return;
        }
        int frames = 1;
        ByteBuffer buffer;
        if (queue.isEmpty()) {
            buffer = ByteBuffer.wrap(first.wire()); // the frame's bytes are never changed: no copy needed
        } else {
            List<byte[]> batch = new ArrayList<>();
            batch.add(first.wire());
            int bytes = first.wire().length;
            OutboundFrame frame;
            while (bytes < BATCH_BYTES && (frame = queue.poll()) != null) {
                byte[] wire = frame.wire();
                batch.add(wire);
                bytes += wire.length;
            }
            buffer = ByteBuffer.allocate(bytes);
            batch.forEach(buffer::put);
            buffer.flip();
            frames = batch.size();
        }
        pending.addAndGet(-frames);
        try {
            if (!sessionClosed) {
                sender.writeFrames(buffer);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "Write to {0} failed: {1}", new Object[] {id, e});
            close(Close.INTERNAL_ERROR.reason("send failed"));
        }
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + identity.userId() + "]";
    }

    /** Counts refused messages inside a sliding window. */
    static final class Strikes {
        private final int max;
        private final long windowNanos;
        private final ArrayDeque<Long> times = new ArrayDeque<>();

        Strikes(int max, Duration window) {
            this.max = max;
            this.windowNanos = window.toNanos();
        }

        /** Records one strike; true when the strikes inside the window now exceed the maximum. */
        synchronized boolean strike() {
            long now = System.nanoTime();
            while (!times.isEmpty() && now - times.peekFirst() > windowNanos) {
                times.pollFirst();
            }
            times.addLast(now);
            return times.size() > max;
        }
    }
}
