package io.switchboard.websocket;

import jakarta.websocket.CloseReason;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * Follows the frames a client sends (RFC 6455 §5.2) as their bytes arrive, before the container parses them, and
 * keeps no payload: only the current frame header (at most 14 bytes) and counts. It refuses
 * <ul>
 * <li>an unmasked frame (§5.1: a server must close the connection), with 1002,</li>
 * <li>a binary frame, of any size (the protocol is JSON text), with 1003, and</li>
 * <li>a data frame whose declared length, or a message whose fragments' running total, is larger than the limit,
 * with 1009, as soon as the frame header says so, before any of that payload is read.</li>
 * </ul>
 * Everything else (reserved bits, opcodes, control frame rules, UTF-8, close codes) is left to the container.
 * Not thread-safe: one scanner per connection, fed by the thread that reads the connection. As a
 * {@link LongSupplier} it gives {@link #dataBytes()} (the connection's {@link Traffic} counts with it).
 */
final class FrameScanner implements LongSupplier {

    private static final int MAX_HEADER = 14;

    private final long limit;
    private final byte[] header = new byte[MAX_HEADER];
    private int headerBytes;
    private long payloadLeft;
    private long messageBytes;
    private volatile long dataBytes;
    private volatile CloseReason refusal;

    FrameScanner(long limit) {
        this.limit = limit;
    }

    /**
     * Follows the next bytes the client sent (from the buffer's position to its limit, which stay as they are).
     *
     * @return why the connection must be closed, or null while the client keeps to the rules; once refused, the
     *         same reason for every later call
     */
    CloseReason scan(ByteBuffer bytes) {
        int at = bytes.position();
        int end = bytes.limit();
        while (refusal == null && at < end) {
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - at);
                payloadLeft -= skip;
                at += skip;
            } else {
                header[headerBytes++] = bytes.get(at++);
                headerDone();
            }
        }
        return refusal;
    }

    CloseReason refusal() {
        return refusal;
    }

    /** The payload bytes that the data frames seen so far declared (for the traffic log). */
    long dataBytes() {
        return dataBytes;
    }

    @Override
    public long getAsLong() {
        return dataBytes;
    }

    /** Checks the header collected so far; when it is complete, starts skipping its payload. */
    private void headerDone() {
        if (headerBytes < 2) {
            return;
        }
        boolean masked = (header[1] & 0x80) != 0;
        if (!masked) {
            refusal = Close.PROTOCOL_ERROR.reason("client frames must be masked (RFC 6455 section 5.1)");
            return;
        }
        int lengthCode = header[1] & 0x7F;
        int lengthBytes = lengthCode == 127 ? 8 : lengthCode == 126 ? 2 : 0;
        if (headerBytes < 2 + lengthBytes + 4) {
            return;
        }
        long length = lengthCode;
        if (lengthBytes == 2) {
            length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        } else if (lengthBytes == 8) {
            length = ByteBuffer.wrap(header).getLong(2);
        }
        headerBytes = 0;
        payloadLeft = length;
        int opcode = header[0] & 0x0F;
        boolean control = (opcode & 0x08) != 0;
        if (control) {
            return;
        }
        if (opcode == 2) {
            refusal = Close.BINARY_NOT_ACCEPTED.reason(); // whatever its size: refused before any payload is read
            return;
        }
        if (length < 0) {
            refusal = Close.PROTOCOL_ERROR.reason("the most significant bit of a 64-bit payload length must be 0");
            return;
        }
        dataBytes += length; // one writer: the thread reading the connection
        messageBytes = opcode == 0 ? messageBytes + length : length;
        if (messageBytes > limit) {
            refusal = Close.TOO_BIG.reason(
                    (opcode == 0 ? "message fragments exceed " : "frame of " + length + " bytes exceeds ")
                            + "the limit of " + limit + " bytes");
            return;
        }
        if ((header[0] & 0x80) != 0) {
            messageBytes = 0; // FIN: the message is complete
        }
    }
}
