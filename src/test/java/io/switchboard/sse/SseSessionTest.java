package io.switchboard.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.FrameSender;
import jakarta.websocket.SendResult;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseSessionTest {

    private final FakeSse.Sink sink = new FakeSse.Sink();
    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch heard = new CountDownLatch(1);

    @AfterEach
    void stop() {
        writers.shutdownNow();
        timer.shutdownNow();
    }

    private SseSession session(boolean numbered) {
        SseStream stream = new SseStream(sink, new FakeSse(), writers, timer, reason -> {});
        stream.release(0);
        return new SseSession(
                "sse-1",
                "secret",
                URI.create("http://localhost/app/api/sse/notifications?ticket=t&since=3"),
                Map.of("since", List.of("3")),
                false,
                "127.0.0.1:50000",
                numbered,
                stream,
                heard::countDown);
    }

    @Test
    void theEventIdOfANotificationIsItsSequenceNumber() {
        assertEquals("42", SseSession.eventId("{\"type\":\"notification\",\"seq\":42,\"id\":1017,\"title\":\"t\"}"));
        assertEquals("7", SseSession.eventId("{\"type\":\"notification\",\"id\":1,\"seq\":7}"));
        assertNull(SseSession.eventId("{\"type\":\"read\",\"seq\":42,\"all\":false}"));
        assertNull(SseSession.eventId("{\"type\":\"notification\",\"title\":\"\\\"seq\\\":9\"}"));
        assertNull(SseSession.eventId("{\"type\":\"replayed\",\"lastSeq\":42,\"unread\":3}"));
    }

    @Test
    void framesBecomeEventsThroughAPipelinedSender() throws InterruptedException {
        SseSession session = session(true);
        FrameSender sender = FrameSender.of(session);
        assertTrue(sender.pipelined(), "frames are handed over without waiting: the send queue limit counts them");
        BlockingQueue<SendResult> results = new LinkedBlockingQueue<>();
        sender.send("{\"type\":\"notification\",\"seq\":5}", results::add);
        sender.send("{\"type\":\"unread\",\"count\":1}", results::add);
        assertTrue(results.take().isOK());
        assertTrue(results.take().isOK());
        FakeSse.Event first = sink.sent.take();
        assertEquals("5", first.id());
        assertNull(first.name(), "a frame is a plain message event");
        assertNull(sink.sent.take().id());
    }

    @Test
    void aPingIsACommentAndCountsAsHearingTheClient() throws Exception {
        SseSession session = session(false);
        session.getAsyncRemote().sendPing(ByteBuffer.wrap(new byte[] {'h', 'b'}));
        assertEquals("ping", sink.sent.take().comment());
        assertTrue(heard.await(5, TimeUnit.SECONDS));
    }

    @Test
    void itLooksLikeTheWebSocketSessionItStandsFor() throws Exception {
        SseSession session = session(false);
        assertEquals("sse-1", session.getId());
        assertEquals("ticket=t&since=3", session.getQueryString());
        assertEquals(List.of("3"), session.getRequestParameterMap().get("since"));
        assertTrue(session.isOpen());
        session.close();
        assertFalse(session.isOpen());
    }
}
