package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** How a connection ends: once, and a close waiting for a flush is overtaken by any other close. */
class CloseProtocolTest {

    private final List<Integer> closes = new CopyOnWriteArrayList<>();
    private final Session session = (Session) Proxy.newProxyInstance(
            Session.class.getClassLoader(),
            new Class<?>[] {Session.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "close" -> {
                    closes.add(((CloseReason) args[0]).getCloseCode().getCode());
                    yield null;
                }
                case "isOpen" -> closes.isEmpty();
                case "getId" -> "s1";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void closesOnceWhateverAsksAfterwards() {
        CloseProtocol protocol = new CloseProtocol(session, Runnable::run);
        protocol.close(Close.SLOW_CONSUMER.reason());
        protocol.close(Close.HEARTBEAT_TIMEOUT.reason());
        assertEquals(List.of(4001), closes);
        assertTrue(protocol.closing() && protocol.closed() && protocol.closedHere());
    }

    @Test
    void aCloseAfterTheFlushHappensWhenTheQueueIsEmpty() {
        CloseProtocol protocol = new CloseProtocol(session, Runnable::run);
        assertTrue(protocol.closeAfterFlush(Close.POLICY_VIOLATION.reason("too many invalid messages")));
        assertTrue(protocol.closing(), "nothing more is queued");
        assertEquals(List.of(), closes, "still writing what was queued");
        protocol.flushed();
        protocol.flushed();
        assertEquals(List.of(1008), closes);
    }

    @Test
    void anotherCloseOvertakesOneWaitingForAClientThatNeverReads() {
        CloseProtocol protocol = new CloseProtocol(session, Runnable::run);
        protocol.closeAfterFlush(Close.POLICY_VIOLATION.reason("too many invalid messages"));
        assertFalse(protocol.closeAfterFlush(Close.POLICY_VIOLATION.reason("again")), "already closing");
        protocol.close(Close.HEARTBEAT_TIMEOUT.reason());
        protocol.flushed();
        assertEquals(List.of(4000), closes, "the heartbeat's close, and the waiting one is dropped");
    }
}
