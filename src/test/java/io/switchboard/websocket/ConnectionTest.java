package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.switchboard.config.Ticker;
import io.switchboard.identity.Identity;
import io.switchboard.operations.control.Meters;
import io.switchboard.protocol.InvalidMessage;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-connection send queue: ordering, one frame in flight where required, and the slow-consumer limit. */
class ConnectionTest {

    /** A session stand-in that only records how it was closed. */
    private static Session session(AtomicReference<CloseReason> closed) {
        return session(closed::set, () -> closed.get() == null, null);
    }

    /** A session stand-in that tells {@code onClose} how it was closed; {@code remote} may be null (none asked for). */
    private static Session session(Consumer<CloseReason> onClose, BooleanSupplier open, RemoteEndpoint.Async remote) {
        Map<String, Object> properties = new HashMap<>();
        return (Session) Proxy.newProxyInstance(
                Session.class.getClassLoader(),
                new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "close" -> {
                        onClose.accept(args == null ? null : (CloseReason) args[0]);
                        yield null;
                    }
                    case "getAsyncRemote" -> {
                        if (remote == null) {
                            throw new UnsupportedOperationException(method.getName());
                        }
                        yield remote;
                    }
                    case "getUserProperties" -> properties;
                    case "isOpen" -> open.getAsBoolean();
                    case "getId" -> "s1";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "session";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A sender that holds every frame until the test completes it, like a client that does not read. */
    private static final class HeldSender implements FrameSender {
        final List<String> sent = new ArrayList<>();
        final List<SendHandler> waiting = new ArrayList<>();
        final boolean pipelined;

        HeldSender(boolean pipelined) {
            this.pipelined = pipelined;
        }

        @Override
        public synchronized void send(String text, SendHandler done) {
            sent.add(text);
            waiting.add(done);
        }

        @Override
        public boolean pipelined() {
            return pipelined;
        }

        void completeAll() {
            List<SendHandler> handlers = new ArrayList<>(waiting);
            waiting.clear();
            handlers.forEach(h -> h.onResult(new SendResult()));
        }
    }

    /** The connection's send loop; {@link #settle} waits until it has run what was handed to it. */
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopLoop() {
        loop.shutdownNow();
    }

    private void settle() throws Exception {
        loop.submit(() -> {}).get(5, TimeUnit.SECONDS);
    }

    private static Connection connection(
            Session session, Identity identity, FrameSender sender, int maxPending, ScheduledExecutorService loop) {
        return new Connection(
                session,
                identity,
                sender,
                loop,
                Runnable::run,
                new Connection.Limits(maxPending, 3, 3, Duration.ofMinutes(1), 1_000, Ticker.SYSTEM));
    }

    private Connection connection(FrameSender sender, int maxPending, AtomicReference<CloseReason> closed) {
        return connection(session(closed), new Identity("alice", "alice"), sender, maxPending, loop);
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerOnceItsQueueIsFull() throws Exception {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        HeldSender sender = new HeldSender(true);
        Connection connection = connection(sender, 5, closed);
        for (int i = 0; i < 5; i++) {
            connection.send("m" + i);
        }
        settle();
        assertNull(closed.get(), "five frames waiting is within the limit");
        connection.send("m5");
        settle();
        settle(); // the close runs on the loop after the task that decided it
        assertEquals(4001, closed.get().getCloseCode().getCode());
        connection.send("m6");
        settle();
        assertEquals(5, sender.sent.size(), "nothing more is handed to a closed connection");
    }

    @Test
    void completedSendsMakeRoomAgain() throws Exception {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        HeldSender sender = new HeldSender(true);
        Connection connection = connection(sender, 5, closed);
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 5; i++) {
                connection.send("r" + round + "m" + i);
            }
            settle();
            sender.completeAll();
        }
        assertNull(closed.get(), "a client that keeps up is never closed");
        assertEquals(50, sender.sent.size());
    }

    @Test
    void aContainerThatTakesOneFrameAtATimeGetsThemInOrderOneAfterTheOther() throws Exception {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        HeldSender sender = new HeldSender(false);
        Connection connection = connection(sender, 100, closed);
        connection.send("a");
        connection.send("b");
        connection.send("c");
        settle();
        assertEquals(List.of("a"), sender.sent, "one frame in flight");
        sender.completeAll();
        assertEquals(List.of("a", "b"), sender.sent);
        sender.completeAll();
        sender.completeAll();
        assertEquals(List.of("a", "b", "c"), sender.sent);
        assertNull(closed.get());
    }

    /**
     * The traffic log's close line counts every frame the client could have read: a client may read a frame, answer
     * with a close and have it handled before the writing call returns, so each strategy counts a frame before it
     * hands it to the container.
     */
    @Test
    void aFrameIsCountedForTheTrafficLogBeforeTheContainerGetsIt() throws Exception {
        AtomicReference<Connection> of = new AtomicReference<>();
        List<Long> countedAtWrite = Collections.synchronizedList(new ArrayList<>());
        for (boolean pipelined : new boolean[] {true, false}) {
            FrameSender sender = new FrameSender() {
                @Override
                public void send(String text, SendHandler done) {
                    countedAtWrite.add(of.get().traffic().framesOut());
                    done.onResult(new SendResult());
                }

                @Override
                public boolean pipelined() {
                    return pipelined;
                }
            };
            of.set(connection(sender, 100, new AtomicReference<>()));
            of.get().send("a");
            of.get().send("b");
            settle();
        }
        CoalescingSender coalescing = new CoalescingSender() {
            @Override
            public void writeFrames(byte[] frames, int length) {
                countedAtWrite.add(of.get().traffic().framesOut());
            }
        };
        of.set(connection(coalescing, 100, new AtomicReference<>()));
        of.get().send("a");
        of.get().send("b");
        settle();
        assertEquals(List.of(1L, 2L, 1L, 2L, 1L, 2L), countedAtWrite, "pipelined, one in flight, coalescing");
    }

    /**
     * A write that fails because the client's Close frame got there first closes this side with 1011, but the close
     * stays the client's (its code, for the meters and the traffic log); a write that fails on an open connection,
     * and a close this side decided, stay the server's.
     */
    @Test
    void aSendThatFailsAfterTheClientClosedLeavesTheCloseTheClients() throws Exception {
        FrameSender failing = new FrameSender() {
            @Override
            public void send(String text, SendHandler done) {
                done.onResult(new SendResult(new java.io.IOException("the channel is closed")));
            }

            @Override
            public boolean pipelined() {
                return true;
            }
        };
        CloseReason bye = new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye");
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        Connection afterClient = connection(failing, 100, closed);
        afterClient.send("left");
        settle();
        settle(); // the close runs on the loop after the task that decided it
        assertEquals(1011, closed.get().getCloseCode().getCode(), "this side closes");
        assertTrue(afterClient.closedByPeerFirst(bye), "the client's close came first");
        assertFalse(afterClient.closedByPeerFirst(null), "nothing reported: the server's close");
        assertFalse(afterClient.closedByPeerFirst(closed.get()), "the container reports this side's close");

        AtomicReference<CloseReason> notYet = new AtomicReference<>();
        Connection reportedFirst = connection(failing, 100, notYet);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch sendFailed = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        loop.execute(() -> await(go));
        reportedFirst.send("left");
        loop.execute(
                () -> { // after the failed send, before the close it queued
                    sendFailed.countDown();
                    await(reported);
                });
        go.countDown();
        assertTrue(sendFailed.await(5, TimeUnit.SECONDS));
        assertNull(notYet.get(), "this side has not closed yet");
        assertTrue(reportedFirst.closedByPeerFirst(bye), "the container reports the client's close first");
        reported.countDown();

        HeldSender held = new HeldSender(true);
        AtomicReference<CloseReason> slow = new AtomicReference<>();
        Connection slowConsumer = connection(held, 1, slow);
        slowConsumer.send("a");
        slowConsumer.send("b");
        settle();
        settle();
        assertEquals(4001, slow.get().getCloseCode().getCode());
        assertFalse(slowConsumer.closedByPeerFirst(bye), "a close this side decided stays the server's");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void tooManyInvalidMessagesCloseWith1008() throws Exception {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        HeldSender sender = new HeldSender(true);
        Connection connection = connection(sender, 100, closed);
        for (int i = 0; i < 3; i++) {
            assertTrue(connection.reject(InvalidMessage.missing("room")));
        }
        assertFalse(connection.reject(InvalidMessage.missing("room")));
        settle();
        settle();
        assertEquals(1008, closed.get().getCloseCode().getCode());
        assertTrue(sender.sent.get(0).contains("\"code\":\"missing_field\""), sender.sent.get(0));
    }

    @Test
    void theErrorFramesThatExplainAStrikeOutCloseAreWrittenBeforeTheClose() throws Exception {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        List<Integer> framesWrittenAtClose = new java.util.concurrent.CopyOnWriteArrayList<>();
        HeldSender sender = new HeldSender(true);
        Session session = session(closed);
        Session recording = (Session) Proxy.newProxyInstance(
                Session.class.getClassLoader(), new Class<?>[] {Session.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        synchronized (sender) {
                            framesWrittenAtClose.add(sender.sent.size());
                        }
                    }
                    return method.invoke(session, args);
                });
        ScheduledExecutorService writers = Executors.newSingleThreadScheduledExecutor();
        try {
            Connection connection = connection(recording, new Identity("alice", "alice"), sender, 100, writers);
            for (int i = 0; i < 4; i++) {
                connection.reject(InvalidMessage.missing("room"));
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() != null);
            assertEquals(1008, closed.get().getCloseCode().getCode());
            assertEquals(List.of(4), framesWrittenAtClose, "all four error frames went out before the close frame");
        } finally {
            writers.shutdownNow();
        }
    }

    @Test
    void aBroadcastCountsEveryQueuedFrameAndTimesTheFanOutOnce() throws Exception {
        ScheduledExecutorService[] loops = {
            Executors.newSingleThreadScheduledExecutor(), Executors.newSingleThreadScheduledExecutor()
        };
        try {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            Meters meters = new Meters(registry);
            List<Connection> receivers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                receivers.add(new Connection(
                        session(new AtomicReference<>()),
                        new Identity("user" + i, "u"),
                        new HeldSender(true),
                        loops[i % 2],
                        Runnable::run,
                        new Connection.Limits(1_000, 3, 3, Duration.ofMinutes(1), 1_000, Ticker.SYSTEM),
                        new Traffic(Meters.CHAT, meters, "127.0.0.1", null)));
            }
            String text = "{\"type\":\"message\",\"text\":\"héllo\"}";
            Connection.broadcast(receivers, "user0", new OutboundFrame(text), meters);
            Timer fanout = registry.get("switchboard.fanout").timer();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fanout.count() == 1);
            Counter frames = registry.get("switchboard.frames.out")
                    .tags("endpoint", "chat", "type", "message")
                    .counter();
            Counter bytes = registry.get("switchboard.frames.out.bytes")
                    .tags("endpoint", "chat", "type", "message")
                    .counter();
            assertEquals(5, frames.count(), "every receiver but the excepted user");
            assertEquals(5.0 * text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length, bytes.count());
            assertEquals(0, receivers.get(0).traffic().framesOut());
            assertEquals(1, receivers.get(1).traffic().framesOut());
        } finally {
            for (ScheduledExecutorService loop : loops) {
                loop.shutdownNow();
            }
        }
    }

    @Test
    void aBroadcastReachesEveryReceiverButTheExceptedUserInPublishOrderAcrossSendLoops() throws Exception {
        ScheduledExecutorService[] loops = {
            Executors.newSingleThreadScheduledExecutor(), Executors.newSingleThreadScheduledExecutor()
        };
        try {
            List<HeldSender> senders = new ArrayList<>();
            List<Connection> receivers = new ArrayList<>();
            AtomicReference<CloseReason> closed = new AtomicReference<>();
            for (int i = 0; i < 10; i++) {
                HeldSender sender = new HeldSender(true);
                senders.add(sender);
                receivers.add(connection(
                        session(closed),
                        new Identity(i == 3 ? "carol" : "user" + i, "u"),
                        sender,
                        1_000,
                        loops[i % 2]));
            }
            for (int m = 0; m < 100; m++) {
                Connection.broadcast(receivers, "carol", new OutboundFrame("m" + m));
                if (m == 50) {
                    receivers.get(0).send("direct"); // handed over between two broadcasts, delivered between them
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                synchronized (senders.get(9)) {
                    return senders.get(9).sent.size() == 100;
                }
            });
            for (int i = 0; i < 10; i++) {
                List<String> expected = new ArrayList<>();
                for (int m = 0; m < 100 && i != 3; m++) {
                    expected.add("m" + m);
                    if (m == 50 && i == 0) {
                        expected.add("direct");
                    }
                }
                HeldSender sender = senders.get(i);
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
                    synchronized (sender) {
                        return sender.sent.size() == expected.size();
                    }
                });
                synchronized (sender) {
                    assertEquals(expected, sender.sent, "receiver " + i);
                }
            }
            assertNull(closed.get());
        } finally {
            for (ScheduledExecutorService loop : loops) {
                loop.shutdownNow();
            }
        }
    }

    /**
     * A sender that takes several frames per write and says while the container still writes the earlier ones
     * ({@link #writing}), as the flushing strategies' senders do; it takes no single frames.
     */
    private abstract static class WritingSender implements FrameSender {
        final AtomicBoolean writing = new AtomicBoolean();

        @Override
        public void send(String text, SendHandler done) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean pipelined() {
            return true;
        }

        @Override
        public boolean writing() {
            return writing.get();
        }
    }

    /** A sender that takes frames a batch at a time (an event stream) and records the batches. */
    private static final class BatchSender extends WritingSender {
        final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger looked = new AtomicInteger();
        volatile Runnable wake;

        @Override
        public boolean batches() {
            return true;
        }

        @Override
        public void sendBatch(List<OutboundFrame> frames) {
            batches.add(frames.stream().map(OutboundFrame::text).toList());
        }

        @Override
        public boolean writing() {
            looked.incrementAndGet();
            return super.writing();
        }

        @Override
        public boolean whenWritten(Runnable wake) {
            this.wake = wake;
            return true;
        }
    }

    @Test
    void aSendLoopThatFallsBehindWritesTheFramesQueuedMeanwhileInOneBatch() throws Exception {
        BatchSender sender = new BatchSender();
        Connection connection = connection(sender, 100, new AtomicReference<>());
        CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() -> await(busy)); // the loop is busy with other connections' work
        for (int i = 1; i <= 5; i++) {
            connection.send("{\"n\":" + i + "}");
        }
        busy.countDown();
        settle();
        settle();
        assertEquals(List.of(List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}", "{\"n\":4}", "{\"n\":5}")), sender.batches);
    }

    @Test
    void framesWaitWhileTheContainerStillWritesAndGoOutWhenItSaysItIsDone() throws Exception {
        BatchSender sender = new BatchSender();
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        Connection connection = connection(sender, 100, closed);
        sender.writing.set(true);
        connection.send("{\"n\":1}");
        connection.send("{\"n\":2}");
        settle();
        settle();
        int looked = sender.looked.get();
        Awaitility.await("nothing is written, and the sender is not polled, while it writes")
                .during(Duration.ofMillis(100))
                .atMost(Duration.ofSeconds(2))
                .until(() -> sender.batches.isEmpty() && sender.looked.get() == looked);
        sender.writing.set(false);
        sender.wake.run();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !sender.batches.isEmpty());
        assertEquals(List.of(List.of("{\"n\":1}", "{\"n\":2}")), sender.batches);
        assertNull(closed.get());
    }

    /** A sender that takes pre-encoded frames several per write (Payara's Grizzly path) and records each write. */
    private static class CoalescingSender extends WritingSender {
        final List<List<String>> writes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public boolean coalesces() {
            return true;
        }

        /** The texts of the unmasked, unfragmented short text frames in one write. */
        @Override
        public void writeFrames(byte[] frames, int length) {
            List<String> texts = new ArrayList<>();
            for (int at = 0; at < length; ) {
                int size = frames[at + 1] & 0x7f; // the tests' texts are shorter than 126 bytes
                texts.add(new String(frames, at + 2, size, java.nio.charset.StandardCharsets.UTF_8));
                at += 2 + size;
            }
            writes.add(texts);
        }
    }

    @Test
    void aClientThatKeepsUpGetsEachFrameAtOnceAndALaggingOneGetsTheQueuedFramesInOneWriteInOrder() throws Exception {
        CoalescingSender sender = new CoalescingSender();
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        Connection connection = connection(sender, 100, closed);
        connection.send("a");
        connection.send("b");
        settle();
        settle();
        assertEquals(List.of(List.of("a"), List.of("b")), sender.writes, "a client that keeps up: one write each");
        sender.writing.set(true); // the container still writes for it: the client reads slowly
        connection.send("c");
        connection.send("d");
        settle();
        Awaitility.await("nothing more is written while the container still writes")
                .during(Duration.ofMillis(50))
                .atMost(Duration.ofSeconds(2))
                .until(() -> sender.writes.size() == 2);
        sender.writing.set(false);
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sender.writes.size() == 3);
        connection.send("e");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sender.writes.size() == 4);
        assertEquals(
                List.of(List.of("a"), List.of("b"), List.of("c", "d"), List.of("e")),
                sender.writes,
                "the frames queued meanwhile go out together, and later ones after them");
        assertEquals(0, connection.pendingFrames());
        assertNull(closed.get());
    }

    @Test
    void aCloseOvertakesAFlushThatWaitsForAClientThatNeverReads() {
        AtomicReference<CloseReason> closed = new AtomicReference<>();
        CoalescingSender stuck = new CoalescingSender();
        stuck.writing.set(true); // the container never finishes its earlier writes
        try {
            Connection connection = connection(stuck, 100, closed);
            connection.closeWhenFlushed(Close.POLICY_VIOLATION.reason("too many invalid messages"));
            connection.send("waits behind the stuck write");
            Awaitility.await()
                    .during(Duration.ofMillis(200))
                    .atMost(Duration.ofSeconds(2))
                    .until(() -> closed.get() == null); // still waiting for the socket
            connection.close(Close.HEARTBEAT_TIMEOUT);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() != null);
            assertEquals(4000, closed.get().getCloseCode().getCode(), "the heartbeat's close is not swallowed");
        } finally {
            loop.shutdownNow();
        }
    }

    @Test
    void noHeartbeatPingFollowsTheCloseFrame() throws Exception {
        // on Undertow a ping sent after the Close frame was queued drops the connection before that Close is written
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
                Session.class.getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("sendPing")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    events.add("ping");
                    return null;
                });
        Session session = session(
                reason -> events.add("close " + reason.getCloseCode().getCode()),
                () -> events.stream().noneMatch(e -> e.startsWith("close")),
                remote);
        Connection connection = connection(session, new Identity("alice", "alice"), new HeldSender(true), 5, loop);

        connection.ping();
        connection.closeWhenFlushed(Close.SERVICE_RESTART.reason("server restarting"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
        connection.ping(); // the heartbeat's next round, before the connection is deregistered
        settle();

        assertEquals(List.of("ping", "close 1012"), events);
    }
}
