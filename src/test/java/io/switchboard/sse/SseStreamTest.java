package io.switchboard.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SseStreamTest {

    private final FakeSse sse = new FakeSse();
    private final FakeSse.Sink sink = new FakeSse.Sink();
    private final ExecutorService writers = Executors.newCachedThreadPool(r -> new Thread(r, "writer"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final BlockingQueue<CloseReason> ended = new LinkedBlockingQueue<>();
    private final SseStream stream = new SseStream(sink, sse, writers, timer, ended::add);

    @org.junit.jupiter.api.BeforeEach
    void released() {
        stream.release(0);
    }

    @AfterEach
    void stop() {
        writers.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void eventsAreWrittenInOrderOnAWriterThreadAndTheCloseEventComesLast() throws InterruptedException {
        BlockingQueue<Throwable> results = new LinkedBlockingQueue<>();
        for (int i = 0; i < 100; i++) {
            stream.write(stream.frame("{\"n\":" + i + "}", null), failed -> results.add(failed == null ? OK : failed));
        }
        stream.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "too many invalid messages"));
        assertFalse(stream.open(), "closing: nothing more is queued by the connection");

        CloseReason reason = ended.poll(5, TimeUnit.SECONDS);
        assertNotNull(reason);
        assertEquals(1008, reason.getCloseCode().getCode());
        for (int i = 0; i < 100; i++) {
            assertEquals("{\"n\":" + i + "}", sink.sent.take().data());
            assertEquals(OK, results.take());
        }
        FakeSse.Event close = sink.sent.take();
        assertEquals("close", close.name());
        assertEquals("{\"code\":1008,\"reason\":\"too many invalid messages\"}", close.data());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sink.closes.get() == 1);
        assertTrue(sink.threads.stream().allMatch("writer"::equals), sink.threads::toString);
    }

    @Test
    void framesWrittenOnTheCallersThreadWaitWhileHeldBehindTheWriterOrWhileTheContainerStillHoldsWrites()
            throws InterruptedException {
        SseStream fresh = new SseStream(sink, sse, writers, timer, ended::add);
        java.util.concurrent.atomic.AtomicBoolean containerWriting = new java.util.concurrent.atomic.AtomicBoolean();
        fresh.containerWriting(containerWriting::get);
        fresh.write(fresh.named("stream", "{}"), failed -> {});
        assertTrue(fresh.busy(), "held until released");
        fresh.release(0);
        Awaitility.await("the writer wrote the stream event")
                .atMost(Duration.ofSeconds(5))
                .until(() -> !fresh.busy());
        assertEquals("stream", sink.sent.take().name());

        containerWriting.set(true);
        assertTrue(fresh.busy(), "the client does not read: frames wait in the connection's queue");
        containerWriting.set(false);
        fresh.writeNow(List.of(fresh.frame("{\"n\":1}", null), fresh.frame("{\"n\":2}", "7")));
        assertEquals("{\"n\":1}", sink.sent.take().data());
        FakeSse.Event second = sink.sent.take();
        assertEquals("{\"n\":2}", second.data());
        assertEquals("7", second.id());
    }

    @Test
    void aFailedWriteIsReportedAndTheLaterOnesFailWithoutTouchingTheSink() throws InterruptedException {
        sink.failing = true;
        BlockingQueue<Throwable> results = new LinkedBlockingQueue<>();
        stream.write(stream.frame("{}", null), failed -> results.add(failed == null ? OK : failed));
        stream.write(stream.frame("{}", null), failed -> results.add(failed == null ? OK : failed));
        assertEquals("broken pipe", results.take().getMessage());
        assertEquals("broken pipe", results.take().getMessage());
        assertEquals(1, sink.threads.size(), "the second write did not try the sink");
    }

    @Test
    void aCloseThatCannotBeWrittenEndsTheStreamAtTheLatest() throws InterruptedException {
        sink.hold = new CountDownLatch(1); // the client does not read: the first write never completes
        stream.write(stream.frame("{}", null), failed -> {});
        stream.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(4001), "slow consumer"));
        CloseReason reason = ended.poll(SseStream.CLOSE_AT_THE_LATEST.toSeconds() + 5, TimeUnit.SECONDS);
        assertNotNull(reason, "ended without the close event");
        assertEquals(4001, reason.getCloseCode().getCode());
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sink.closes.get() == 1);
        assertNull(ended.poll(200, TimeUnit.MILLISECONDS), "ended once");
    }

    @Test
    void aCommentAndANamedEvent() {
        assertEquals("ping", stream.comment("ping").getComment());
        FakeSse.Event named = (FakeSse.Event) stream.named("stream", "{\"stream\":\"t\"}");
        assertEquals(List.of("stream", "{\"stream\":\"t\"}"), List.of(named.name(), named.data()));
        assertEquals("7", stream.frame("{}", "7").getId());
    }

    private static final Throwable OK = new Throwable("ok");
}
