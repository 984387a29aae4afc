package io.switchboard.it;

import static io.switchboard.it.RawWebSocket.CLOSE;
import static io.switchboard.it.RawWebSocket.CONTINUATION;
import static io.switchboard.it.RawWebSocket.FIN;
import static io.switchboard.it.RawWebSocket.PING;
import static io.switchboard.it.RawWebSocket.PONG;
import static io.switchboard.it.RawWebSocket.TEXT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 6455 conformance as a raw client sees it: frames a client library would never send get the close code
 * docs/protocol.md documents, the same on both servers, and a frame or message larger than
 * {@code switchboard.limits.max-text} is refused as soon as its header (or its fragments' running total) says so.
 */
class FramingIT extends DeployedTest {

    private static final byte[] PING_JSON = "{\"type\":\"ping\",\"ref\":\"raw\"}".getBytes(StandardCharsets.UTF_8);

    private String user;

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war();
    }

    @BeforeEach
    void newUser() {
        user = user("raw");
    }

    @Test
    void anUnmaskedFrameIsClosedWith1002AndNotProcessed() throws IOException {
        try (RawWebSocket raw = open()) {
            raw.sendUnmasked(FIN | TEXT, PING_JSON);
            RawWebSocket.Frame frame;
            while ((frame = raw.read()).opcode() != CLOSE) {
                if (frame.opcode() == TEXT) {
                    assertNotEquals(
                            "pong", RawWebSocket.json(frame).getString("type"), "an unmasked ping was answered");
                }
            }
            assertEquals(1002, frame.closeCode());
        }
    }

    @Test
    void reservedBitsAndOpcodesAreClosedWith1002() throws IOException {
        for (int first : List.of(
                FIN | 0x40 | TEXT, FIN | 0x20 | TEXT, FIN | 0x10 | TEXT, FIN | 0x3, FIN | 0x7, FIN | 0xB, FIN | 0xF)) {
            assertEquals(
                    1002,
                    closeCodeAfter(raw -> raw.send(first, PING_JSON)),
                    "first byte 0x" + Integer.toHexString(first));
        }
    }

    @Test
    void aControlFrameLongerThan125BytesOrFragmentedIsClosedWith1002() throws IOException {
        assertEquals(1002, closeCodeAfter(raw -> raw.send(FIN | PING, new byte[126])), "ping of 126 bytes");
        assertEquals(1002, closeCodeAfter(raw -> raw.send(PING, new byte[4])), "ping without FIN");
    }

    @Test
    void invalidUtf8InATextMessageOrACloseReasonIsClosedWith1007() throws IOException {
        byte[] invalid = {
            (byte) 0xCE,
            (byte) 0xBA,
            (byte) 0xE1,
            (byte) 0xBD,
            (byte) 0xB9,
            (byte) 0xCF,
            (byte) 0x83,
            (byte) 0xCE,
            (byte) 0xBC,
            (byte) 0xCE,
            (byte) 0xB5,
            (byte) 0xED,
            (byte) 0xA0,
            (byte) 0x80,
            0x65,
            0x64,
            0x69,
            0x74,
            0x65,
            0x64
        };
        assertEquals(1007, closeCodeAfter(raw -> raw.send(FIN | TEXT, invalid)), "text");
        assertEquals(
                1007,
                closeCodeAfter(raw -> raw.sendClose(1000, new byte[] {(byte) 0xFF, (byte) 0xFE})),
                "close reason");
    }

    @Test
    void aCloseWithAnInvalidCodeIsAnsweredWith1002AndAValidOneIsEchoed() throws IOException {
        for (int code : List.of(0, 999, 1004, 1005, 1006, 1015, 2999, 5000)) {
            assertEquals(1002, closeCodeAfter(raw -> raw.sendClose(code, new byte[0])), "close code " + code);
        }
        assertEquals(1002, closeCodeAfter(raw -> raw.send(FIN | CLOSE, new byte[] {0x03})), "a one-byte close payload");
        assertEquals(
                1000,
                closeCodeAfter(raw -> raw.sendClose(1000, "bye".getBytes(StandardCharsets.UTF_8))),
                "a normal close");
    }

    @Test
    void aContinuationOutOfPlaceIsClosedWith1002() throws IOException {
        assertEquals(
                1002,
                closeCodeAfter(raw -> raw.send(FIN | CONTINUATION, PING_JSON)),
                "a continuation with no message begun");
        assertEquals(
                1002,
                closeCodeAfter(raw -> {
                    raw.send(TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8));
                    raw.send(FIN | TEXT, PING_JSON);
                }),
                "a new text frame before the last fragment");
    }

    @Test
    void aCloseWithoutPayloadIsAnsweredWith1000AndWhatFollowsItIsIgnored() throws IOException {
        try (RawWebSocket raw = open()) {
            raw.send(FIN | CLOSE, new byte[0]);
            raw.send(FIN | TEXT, PING_JSON);
            RawWebSocket.Frame frame = raw.read();
            assertEquals(CLOSE, frame.opcode(), "the close comes first, and no pong: " + frame.text());
            assertEquals(1000, frame.closeCode());
        }
    }

    @Test
    void aFragmentedMessageIsReassembledAcrossAnInterleavedPing() throws IOException {
        try (RawWebSocket raw = open()) {
            raw.send(TEXT, "{\"type\":".getBytes(StandardCharsets.UTF_8));
            raw.send(FIN | PING, "hi".getBytes(StandardCharsets.UTF_8));
            raw.send(CONTINUATION, "\"ping\",".getBytes(StandardCharsets.UTF_8));
            raw.send(FIN | CONTINUATION, "\"ref\":\"frag\"}".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong;
            while ((pong = raw.read()).opcode() != PONG) {
                assertNotEquals(CLOSE, pong.opcode(), "closed before the pong: " + pong.closeCode());
            }
            assertEquals("hi", pong.text(), "a pong carries the ping's payload");
            assertEquals("frag", nextJson(raw, "pong").getString("ref"));
        }
    }

    @Test
    void aTextMessageOfExactlyTheLimitIsRead() throws IOException {
        try (RawWebSocket raw = RawWebSocket.chat(ws, user)) {
            int limit = raw.welcome().getInt("maxTextBytes");
            byte[] padded = new byte[limit];
            Arrays.fill(padded, (byte) ' ');
            System.arraycopy(PING_JSON, 0, padded, limit - PING_JSON.length, PING_JSON.length);
            raw.send(TEXT, Arrays.copyOf(padded, limit / 2));
            raw.send(FIN | CONTINUATION, Arrays.copyOfRange(padded, limit / 2, limit));
            assertEquals("raw", nextJson(raw, "pong").getString("ref"));
            raw.send(FIN | TEXT, padded);
            assertEquals("raw", nextJson(raw, "pong").getString("ref"));
        }
    }

    /**
     * A header declaring more than the limit (1 TiB, 3 MiB, or one byte over) is refused before its payload: each
     * client sends only the header and 1 KB and leaves the frame unfinished, and each of 20 gets 1009; the server then
     * ends the connection although the client does not answer the close.
     */
    @Test
    void aFrameDeclaringMoreThanTheLimitIsClosedWith1009AtItsHeader() throws IOException {
        List<RawWebSocket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                RawWebSocket raw = RawWebSocket.chat(ws, user + "-" + i % 10);
                clients.add(raw);
                int limit = raw.welcome().getInt("maxTextBytes");
                // at once: a raw client answers no heartbeat ping, so it must be refused before the heartbeat timeout
                long declared = i == 0 ? limit + 1L : i % 2 == 0 ? 1L << 40 : 3L << 20;
                raw.sendPartial(FIN | TEXT, declared, new byte[1024]);
            }
            for (int i = 0; i < clients.size(); i++) {
                assertEquals(1009, clients.get(i).closeCode(), "client " + i);
                assertTrue(
                        clients.get(i).endedByServer(),
                        "client " + i + ": the server keeps the refused connection open");
            }
        } finally {
            for (RawWebSocket raw : clients) {
                raw.close();
            }
        }
    }

    /** Fragments each under the limit but together over it: refused when the running total passes it, before FIN. */
    @Test
    void aMessageWhoseFragmentsExceedTheLimitIsClosedWith1009() throws IOException {
        try (RawWebSocket raw = RawWebSocket.chat(ws, user)) {
            int limit = raw.welcome().getInt("maxTextBytes");
            byte[] quarter = new byte[limit / 4];
            Arrays.fill(quarter, (byte) ' ');
            raw.send(TEXT, quarter);
            for (int i = 0; i < 3; i++) {
                raw.send(CONTINUATION, quarter); // the limit exactly, still no FIN
            }
            raw.send(CONTINUATION, new byte[] {' '}); // one byte over
            assertEquals(1009, raw.closeCode());
        }
    }

    private interface RawAction {
        void on(RawWebSocket raw) throws IOException;
    }

    private int closeCodeAfter(RawAction action) throws IOException {
        try (RawWebSocket raw = open()) {
            action.on(raw);
            return raw.closeCode();
        }
    }

    private RawWebSocket open() throws IOException {
        RawWebSocket raw = RawWebSocket.chat(ws, user);
        raw.welcome();
        return raw;
    }

    private static JsonObject nextJson(RawWebSocket raw, String type) throws IOException {
        while (true) {
            RawWebSocket.Frame frame = raw.read();
            if (frame.opcode() == CLOSE) {
                throw new AssertionError("closed with " + frame.closeCode() + " " + frame.text() + " before a " + type);
            }
            if (frame.opcode() == TEXT && type.equals(RawWebSocket.json(frame).getString("type"))) {
                return RawWebSocket.json(frame);
            }
        }
    }
}
