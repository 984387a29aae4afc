package io.switchboard.websocket;

import io.switchboard.operations.control.Meters;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

/**
 * One text message for any number of receivers: the JSON text, and its complete RFC 6455 frame (unmasked, as a
 * server sends it) built once, the first time a connection needs the raw bytes.
 */
public final class OutboundFrame {

    private static final String TYPE_FIRST = "{\"type\":\"";
    private static final String TYPE_FIELD = "\"type\":\"";

    private final String text;
    private final int type;
    private volatile byte[] wire;
    private volatile byte[] utf8;
    private volatile byte[] event;
    private int payloadBytes = -1;

    public OutboundFrame(String text) {
        this.text = text;
        this.type = Meters.frameType(typeOf(text));
    }

    public String text() {
        return text;
    }

    /** The frame's {@code type} as an index of {@link Meters#FRAME_TYPES}, found once for all receivers. */
    int type() {
        return type;
    }

    /** The UTF-8 length of the text, computed once. */
    int payloadBytes() {
        int bytes = payloadBytes;
        if (bytes < 0) {
            bytes = utf8Length(text);
            payloadBytes = bytes; // racy but idempotent
        }
        return bytes;
    }

    /**
     * The value of the top-level {@code type} of a JSON frame: the first member of every event (JSON-B writes the
     * {@code @JsonbTypeInfo} key first); the welcome and error frames are flat records with one {@code type}.
     */
    static String typeOf(String json) {
        int start;
        if (json.startsWith(TYPE_FIRST)) {
            start = TYPE_FIRST.length();
        } else {
            int at = json.indexOf(TYPE_FIELD);
            if (at < 0) {
                return null;
            }
            start = at + TYPE_FIELD.length();
        }
        int end = json.indexOf('"', start);
        return end < 0 || end - start > 32 ? null : json.substring(start, end);
    }

    /** UTF-8 length without encoding (an unpaired surrogate counts as the 3 bytes of its replacement). */
    static int utf8Length(String text) {
        int bytes = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** The whole frame: FIN + text opcode, payload length, UTF-8 payload. */
    public byte[] wire() {
        byte[] bytes = wire;
        if (bytes == null) {
            bytes = encode(text.getBytes(StandardCharsets.UTF_8));
            wire = bytes;
        }
        return bytes;
    }

    /** The text's UTF-8, encoded once for all receivers (an event stream's {@code data:}); never to be changed. */
    public byte[] utf8() {
        byte[] bytes = utf8;
        if (bytes == null) {
            bytes = text.getBytes(StandardCharsets.UTF_8);
            utf8 = bytes;
        }
        return bytes;
    }

    /**
     * The frame as an event stream writes it ({@code data:} lines and a blank line), made by {@code encode} from
     * {@link #utf8()} the first time a stream needs it and shared by all its receivers; never to be changed.
     */
    public byte[] event(UnaryOperator<byte[]> encode) {
        byte[] bytes = event;
        if (bytes == null) {
            bytes = encode.apply(utf8());
            event = bytes; // racy but idempotent
        }
        return bytes;
    }

    /** The length of the header of a frame made by {@link #encode} (no mask): 2, 4 or 10 bytes. */
    static int headerLength(byte[] frame) {
        int length = frame[1] & 0x7F;
        return length < 126 ? 2 : length == 126 ? 4 : 10;
    }

    /** A Close frame with {@code code} and {@code reason} (cut to the 123 bytes a control frame leaves for it). */
    static byte[] close(int code, String reason) {
        byte[] text = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--; // not inside a UTF-8 sequence
        }
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) 0x88;
        frame[1] = (byte) (2 + length);
        frame[2] = (byte) (code >> 8);
        frame[3] = (byte) code;
        System.arraycopy(text, 0, frame, 4, length);
        return frame;
    }

    static byte[] encode(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) 0x81;
        if (length < 126) {
            frame[1] = (byte) length;
        } else if (length < 65_536) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
