package io.switchboard.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.websocket.CloseReason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class FrameScannerTest {

    private static final int LIMIT = 100;

    @Test
    void maskedFramesWithinTheLimitPassInAnyChunking() {
        byte[] stream =
                concat(frame(0x81, 100, true), frame(0x89, 5, true), frame(0x01, 60, true), frame(0x80, 40, true));
        FrameScanner whole = new FrameScanner(LIMIT);
        assertNull(whole.scan(ByteBuffer.wrap(stream)));
        FrameScanner byteByByte = new FrameScanner(LIMIT);
        for (byte b : stream) {
            assertNull(byteByByte.scan(ByteBuffer.wrap(new byte[] {b})));
        }
    }

    @Test
    void aBinaryFrameOfAnySizeIsRefusedWith1003AtItsHeader() {
        for (int length : new int[] {3, 2_000, LIMIT + 1}) {
            FrameScanner scanner = new FrameScanner(LIMIT);
            assertNull(scanner.scan(ByteBuffer.wrap(frame(0x81, 10, true))));
            assertEquals(1003, code(scanner.scan(ByteBuffer.wrap(header(0x82, length)))), length + " bytes");
        }
    }

    @Test
    void anUnmaskedFrameIsAProtocolError() {
        FrameScanner scanner = new FrameScanner(LIMIT);
        assertNull(scanner.scan(ByteBuffer.wrap(frame(0x81, 3, true))));
        assertEquals(1002, code(scanner.scan(ByteBuffer.wrap(frame(0x81, 3, false)))));
    }

    @Test
    void aHeaderDeclaringMoreThanTheLimitIsRefusedBeforeItsPayload() {
        byte[] terabyte = ByteBuffer.allocate(14)
                .put((byte) 0x81)
                .put((byte) (0x80 | 127))
                .putLong(1L << 40)
                .array();
        assertEquals(1009, code(new FrameScanner(LIMIT).scan(ByteBuffer.wrap(terabyte))));
        assertEquals(1009, code(new FrameScanner(LIMIT).scan(ByteBuffer.wrap(header(0x81, LIMIT + 1)))));
        assertNull(new FrameScanner(LIMIT).scan(ByteBuffer.wrap(header(0x81, LIMIT))));
        byte[] negative = ByteBuffer.allocate(14)
                .put((byte) 0x81)
                .put((byte) (0x80 | 127))
                .putLong(-1)
                .array();
        assertEquals(1002, code(new FrameScanner(LIMIT).scan(ByteBuffer.wrap(negative))));
    }

    @Test
    void fragmentsCountTogetherAcrossControlFramesUntilFin() {
        FrameScanner scanner = new FrameScanner(LIMIT);
        assertNull(scanner.scan(
                ByteBuffer.wrap(concat(frame(0x01, 50, true), frame(0x89, 100, true), frame(0x80, 50, true)))));
        assertNull(scanner.scan(ByteBuffer.wrap(concat(frame(0x01, 50, true), frame(0x00, 50, true)))));
        CloseReason over = scanner.scan(ByteBuffer.wrap(header(0x00, 1)));
        assertEquals(1009, code(over));
        assertEquals(over, scanner.scan(ByteBuffer.wrap(frame(0x81, 1, true))), "stays refused");
    }

    private static int code(CloseReason reason) {
        return reason == null ? -1 : reason.getCloseCode().getCode();
    }

    private static byte[] header(int first, int length) {
        ByteBuffer header = ByteBuffer.allocate(8).put((byte) first);
        if (length <= 125) {
            header.put((byte) (0x80 | length));
        } else {
            header.put((byte) (0x80 | 126)).putShort((short) length);
        }
        header.put(new byte[] {1, 2, 3, 4});
        return java.util.Arrays.copyOf(header.array(), header.position());
    }

    private static byte[] frame(int first, int length, boolean masked) {
        byte[] header = header(first, length);
        if (!masked) {
            header[1] &= 0x7F;
            header = java.util.Arrays.copyOf(header, header.length - 4);
        }
        return concat(header, new byte[length]);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
