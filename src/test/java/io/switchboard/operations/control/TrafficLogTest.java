package io.switchboard.operations.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrafficLogTest {

    private final Logger logger = Logger.getLogger(TrafficLog.LOGGER);
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void capture() {
        logger.addHandler(capture);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
        logger.setLevel(null);
    }

    @Test
    void aCloseIsOneLineOfKeyValuePairs() {
        TrafficLog.closed(new TrafficLog.Closed(
                "c1", "alice", "chat", "127.0.0.1:5000", 1234, 3, 120, 5, 600, 1009, "server", "message too big"));
        assertEquals(1, records.size());
        assertEquals(Level.INFO, records.get(0).getLevel());
        assertEquals(
                "close conn=c1 user=alice endpoint=chat remote=127.0.0.1:5000 duration_ms=1234 frames_in=3 bytes_in=120"
                        + " frames_out=5 bytes_out=600 code=1009 initiator=server reason=\"message too big\"",
                records.get(0).getMessage());
    }

    @Test
    void aClientsCloseReasonCannotForgeALine() {
        TrafficLog.closed(new TrafficLog.Closed(
                "c2", "bob", "chat", null, 1, 0, 0, 0, 0, 1000, "client", "bye\nopen conn=x user=\"admin\""));
        String line = records.get(0).getMessage();
        assertFalse(line.contains("\n"), line);
        assertTrue(line.endsWith("reason=\"bye\\nopen conn=x user=\\\"admin\\\"\""), line);
        assertTrue(line.contains("remote=- "), line);
    }

    @Test
    void openAndRefusedLines() {
        TrafficLog.opened("c3", "carol", "notifications", "10.0.0.1:1");
        TrafficLog.refused("chat", "10.0.0.2:2", "origin", "origin https://evil.example is not allowed");
        assertEquals(
                "open conn=c3 user=carol endpoint=notifications remote=10.0.0.1:1",
                records.get(0).getMessage());
        assertEquals(
                "refused endpoint=chat remote=10.0.0.2:2 reason=origin detail=\"origin https://evil.example is not"
                        + " allowed\"",
                records.get(1).getMessage());
    }

    @Test
    void contentsAreLoggedOnlyAtFine() {
        assertFalse(TrafficLog.contents(), "message contents are off by default");
        logger.setLevel(Level.FINE);
        assertTrue(TrafficLog.contents());
    }
}
