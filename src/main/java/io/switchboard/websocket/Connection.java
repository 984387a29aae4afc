package io.switchboard.websocket;

import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import io.switchboard.operations.control.Meters;
import io.switchboard.protocol.ErrorFrame;
import io.switchboard.protocol.InvalidMessage;
import io.switchboard.protocol.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One client connection: who it is, and the three parts every frame and every close goes through, so that
 * slow-consumer, drain and overload policies have a single home:
 * <ul>
 * <li>{@link InboundQueue}: the client's messages, handled one at a time in arrival order (1013 when too many wait);</li>
 * <li>{@link SendQueue}: the frames for the client, on its send loop, one strategy per container path (4001 when the
 * client does not read);</li>
 * <li>{@link CloseProtocol}: how it ends, once, with no frame after the Close frame.</li>
 * </ul>
 * Beside them: its {@link Limits} (strikes, drops, inbound rate), its {@link Liveness} for the heartbeat, and
 * {@link Fanout} for one frame to many connections. Sending never blocks the caller.
 * <p>
 * An idle connection is kept small (bench/README.md, "Smaller connections"): the limits are shared by all
 * connections, the strike counters are made at the first strike, and the inbound rate's bucket and the flooding flag
 * are fields here, not objects of their own.
 */
public final class Connection {

    private static final Logger LOG = Logger.getLogger(Connection.class.getName());
    private static final ByteBuffer PING =
            ByteBuffer.wrap(new byte[] {'h', 'b'}).asReadOnlyBuffer();
    /** How long a flooding client must pause before its close (1008) is sent. */
    static final Duration FLOOD_QUIET = Duration.ofMillis(250);
    /** The latest a flooding client is closed, paused or not. */
    static final Duration FLOOD_CLOSE_AT_THE_LATEST = Duration.ofSeconds(5);

    private static final VarHandle FLOODING = Reflection.varHandle(MethodHandles.lookup(), "flooding", boolean.class);
    private static final VarHandle INBOUND_FULL_AT =
            Reflection.varHandle(MethodHandles.lookup(), "inboundFullAt", long.class);

    private final String id;
    private final Session session;
    private final Identity identity;
    private final ScheduledExecutorService loop;
    private final InboundQueue inbound;
    private final SendQueue outbound;
    private final CloseProtocol close;
    private final Limits limits;
    private final Traffic traffic;
    private final Liveness liveness;
    /** Refused messages and rate-limit drops within the strike window; made at the first of each (under this). */
    private Strikes strikes;

    private Strikes drops;
    /** The inbound rate's bucket ({@link RateLimit}): when it is full again; changed by compare-and-set only. */
    @SuppressWarnings("unused") // through INBOUND_FULL_AT
    private volatile long inboundFullAt;
    /** Whether this client flooded and is being closed; set once, through FLOODING. */
    @SuppressWarnings("unused")
    private volatile boolean flooding;

    /**
     * What every connection may do, shared by all of them: frames waiting for its socket, refused messages (strikes)
     * and messages dropped by the rate limit within the strike window, and its inbound rate; all measured on
     * {@code ticker}.
     */
    record Limits(
            int maxPending, int maxStrikes, int maxDropped, Duration strikeWindow, RateLimit.Rate rate, Ticker ticker) {

        Limits(int maxPending, int maxStrikes, int maxDropped, Duration strikeWindow, int perSecond, Ticker ticker) {
            this(maxPending, maxStrikes, maxDropped, strikeWindow, new RateLimit.Rate(perSecond, ticker), ticker);
        }
    }

    /**
     * @param loop the connection's send loop: a single thread running its tasks in order
     * @param workers the message workers that handle the client's messages
     */
    Connection(
            Session session,
            Identity identity,
            FrameSender sender,
            ScheduledExecutorService loop,
            Executor workers,
            Limits limits) {
        this(session, identity, sender, loop, workers, limits, Traffic.none());
    }

    /** @param traffic where the connection's frames are counted (meters, traffic log) */
    Connection(
            Session session,
            Identity identity,
            FrameSender sender,
            ScheduledExecutorService loop,
            Executor workers,
            Limits limits,
            Traffic traffic) {
        this.traffic = traffic;
        this.id = session.getId();
        this.session = session;
        this.identity = identity;
        this.loop = loop;
        this.limits = limits;
        this.liveness = new Liveness(limits.ticker());
        this.inbound = new InboundQueue(workers);
        this.close = new CloseProtocol(session, loop, UpgradeRequest.finished(session));
        this.inboundFullAt = limits.rate().full();
        this.outbound = SendQueue.of(sender, loop, close, limits.maxPending());
    }

    /** Whether one more client message fits this connection's rate limit. */
    boolean admit() {
        return limits.rate().tryAcquire(this, INBOUND_FULL_AT);
    }

    /**
     * Runs the handling of one client message on a message worker, after this connection's earlier messages. A
     * client with more than {@value InboundQueue#MAX} messages waiting is closed with 1013.
     */
    public void process(Runnable task) {
        if (!inbound.offer(task)) {
            close(Close.TRY_AGAIN_LATER.reason("too many messages waiting to be processed"));
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

    /** The endpoint's path without the application's context path, e.g. {@code /ws/chat}. */
    public String endpoint() {
        String path = session.getRequestURI().getPath();
        int at = path.lastIndexOf("/ws/");
        return at < 0 ? path : path.substring(at);
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
        if (!close.closing()) {
            onLoop(() -> enqueue(frame));
        }
    }

    /** On the send loop: queues the frame and counts it. */
    void enqueue(OutboundFrame frame) {
        if (enqueueOfBroadcast(frame)) {
            traffic.metered(frame, 1);
        }
    }

    /**
     * On the send loop: queues one frame of a broadcast ({@link Fanout}), which adds it to the meters with the rest
     * of the broadcast ({@link Traffic#metered}); whether it was queued.
     */
    boolean enqueueOfBroadcast(OutboundFrame frame) {
        if (!outbound.admit()) {
            return false;
        }
        // counted before the write: the client may read the frame and close before the writing call returns, and
        // the close line must count it
        traffic.counted(frame, id);
        outbound.write(frame);
        return true;
    }

    /**
     * Queues one frame for each of {@code receivers} but those of user {@code exceptUser} (may be null): one task per
     * send loop for all of its connections, so a broadcast costs the publisher a few hand-overs, not one per receiver.
     */
    public static void broadcast(Iterable<Connection> receivers, String exceptUser, OutboundFrame frame) {
        broadcast(receivers, exceptUser, frame, null);
    }

    /**
     * As {@link #broadcast(Iterable, String, OutboundFrame)}, and records in {@code meters} the time from this call
     * until the last receiver's frame is queued (the fan-out time; nothing when there is no receiver).
     */
    public static void broadcast(
            Iterable<Connection> receivers, String exceptUser, OutboundFrame frame, Meters meters) {
        Fanout.broadcast(receivers, exceptUser, frame, meters);
    }

    private void onLoop(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
    }

    /**
     * Sends an error frame for a refused message; returns false when the client has used up its strikes and is
     * being closed with 1008.
     */
    public boolean reject(InvalidMessage problem) {
        LOG.log(Level.FINE, "{0} refused: {1} {2}", new Object[] {
            this, problem.code().wire(), problem.getMessage()
        });
        sendError(problem);
        if (strikes().strike()) {
            closeWhenFlushed(Close.POLICY_VIOLATION.reason("too many invalid messages"));
            return false;
        }
        return true;
    }

    /**
     * Answers a message the rate limit dropped with its error frame at once, ahead of the replies to messages still
     * waiting to be handled. A client that keeps flooding (more drops than allowed within the strike window) is
     * closed with 1008 after the messages it sent before are handled and answered; what it sends after that is
     * ignored, and the close waits until it pauses ({@link #FLOOD_QUIET}, at most {@link #FLOOD_CLOSE_AT_THE_LATEST}):
     * a socket closed while the client still writes is reset, and the reset can destroy the close frame before the
     * client reads it.
     */
    void drop(InvalidMessage problem) {
        sendError(problem);
        if (drops().strike() && FLOODING.compareAndSet(this, false, true)) {
            CloseReason reason = Close.POLICY_VIOLATION.reason("too many messages (rate limit)");
            long decided = limits.ticker().nanos();
            process(() -> closeWhenQuiet(reason, decided));
        }
    }

    private synchronized Strikes strikes() {
        if (strikes == null) {
            strikes = new Strikes(limits.maxStrikes(), limits.strikeWindow(), limits.ticker());
        }
        return strikes;
    }

    private synchronized Strikes drops() {
        if (drops == null) {
            drops = new Strikes(limits.maxDropped(), limits.strikeWindow(), limits.ticker());
        }
        return drops;
    }

    /** Sends an error frame, counted by its code. */
    void sendError(InvalidMessage problem) {
        traffic.meters.errorFrame(problem.code().wire());
        send(Json.write(ErrorFrame.of(problem)));
    }

    private void closeWhenQuiet(CloseReason reason, long decidedNanos) {
        if (silence().compareTo(FLOOD_QUIET) >= 0
                || limits.ticker().nanos() - decidedNanos >= FLOOD_CLOSE_AT_THE_LATEST.toNanos()) {
            closeWhenFlushed(reason);
        } else {
            try {
                loop.schedule(
                        () -> closeWhenQuiet(reason, decidedNanos), FLOOD_QUIET.toMillis() / 2, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                close(reason); // shutting down
            }
        }
    }

    /** Whether this client flooded and is being closed: its messages are ignored. */
    boolean flooding() {
        return flooding;
    }

    /**
     * Closes once the frames already queued for the client are written, so the error frames that explain the close
     * arrive before it. No frame is queued after this.
     */
    public void closeWhenFlushed(CloseReason reason) {
        outbound.closeWhenFlushed(reason);
    }

    public void close(Close why) {
        close(why.reason());
    }

    /** Closes once; later calls do nothing. The registry forgets the connection when the container reports the close. */
    public void close(CloseReason reason) {
        close.close(reason);
    }

    /** Records that the client was heard from (any frame or pong). */
    public void touch() {
        liveness.heard();
    }

    public Duration silence() {
        return liveness.silence();
    }

    /** How long since the client was last heard or pinged, whichever was later. */
    Duration sinceHeardOrPinged() {
        return liveness.sinceHeardOrPinged();
    }

    /** The client answered a ping (or sent an unsolicited pong): records the round trip of the ping waiting for it. */
    void pong() {
        long roundTrip = liveness.ponged();
        if (roundTrip >= 0) {
            traffic.meters.heartbeatRoundTrip(roundTrip);
        }
    }

    /**
     * Pings the client for the heartbeat, on the send loop, unless this side has closed the session already: Undertow
     * drops the whole TCP connection when a ping comes after its Close frame was queued, before that Close frame is
     * written, and the client then sees 1006 instead of the close code.
     */
    void ping() {
        liveness.pinged();
        onLoop(() -> {
            if (close.closedHere()) {
                return;
            }
            try {
                session.getAsyncRemote().sendPing(PING.duplicate());
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "Ping to {0} failed: {1}", new Object[] {id, e});
            }
        });
    }

    Session session() {
        return session;
    }

    /** The single thread this connection's frames are queued and sent on. */
    ScheduledExecutorService loop() {
        return loop;
    }

    Traffic traffic() {
        return traffic;
    }

    /** Frames waiting for the client's socket. */
    int pendingFrames() {
        return outbound.pending();
    }

    /** Whether this side has decided to close the connection (the close may not have been written yet). */
    boolean closingHere() {
        return close.closing();
    }

    /** The reason this side closed the connection with, or null when it did not (the client closed, or it broke). */
    CloseReason closedHereWith() {
        return close.closedWith();
    }

    /**
     * Whether a close the container reports ({@code reported}, null when it has none) came first and this side only
     * followed it: a write failed because the client's Close frame had arrived, or the connection broke, meanwhile.
     * This side's 1011 "send failed" is then a consequence, not its decision.
     */
    boolean closedByPeerFirst(CloseReason reported) {
        CloseReason here = close.closedWith();
        return close.sendFailed()
                && reported != null
                && (here == null
                        || here.getCloseCode().getCode()
                                != reported.getCloseCode().getCode());
    }

    /** How frames reach this client: the send strategy and the container path under it (for the log and tests). */
    public String sendPath() {
        return outbound.getClass().getSimpleName() + ": " + outbound.sender.path()
                + (loop instanceof IoThreadLoop ? ", on the socket's I/O thread" : "");
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + identity.userId() + "]";
    }
}
