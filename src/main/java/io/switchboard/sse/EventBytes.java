package io.switchboard.sse;

import io.switchboard.websocket.OutboundFrame;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Frames as {@code text/event-stream} events, several in one byte array, as the JAX-RS sinks write them: an
 * {@code id:} line when the frame has an event id, a {@code data:} line per line of the JSON (one: JSON text has no
 * line breaks, but any would be kept), and a blank line. The UTF-8 of each frame is the one its receivers share.
 */
final class EventBytes {

    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private EventBytes() {}

    /** The events of {@code frames}, in order; {@code numbered}: notification frames carry their seq as the id. */
    static byte[] of(List<OutboundFrame> frames, boolean numbered) {
        int length = 0;
        String[] ids = numbered ? new String[frames.size()] : null;
        for (int i = 0; i < frames.size(); i++) {
            byte[] json = frames.get(i).utf8();
            if (ids != null) {
                ids[i] = SseSession.eventId(frames.get(i).text());
                length += ids[i] == null ? 0 : ID.length + ids[i].length() + 1;
            }
            int breaks = lineBreaks(json); // each replaced by the end of its data line
            length += (breaks + 1) * (DATA.length + 1) + json.length - breaks + 1;
        }
        byte[] events = new byte[length];
        int at = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (ids != null && ids[i] != null) {
                at = put(events, at, ID, 0, ID.length);
                byte[] id = ids[i].getBytes(StandardCharsets.US_ASCII);
                at = put(events, at, id, 0, id.length);
                events[at++] = '\n';
            }
            byte[] json = frames.get(i).utf8();
            int line = 0;
            for (int j = 0; j <= json.length; j++) {
                if (j == json.length || json[j] == '\n' || json[j] == '\r') {
                    at = put(events, at, DATA, 0, DATA.length);
                    at = put(events, at, json, line, j - line);
                    events[at++] = '\n';
                    line = j + 1;
                }
            }
            events[at++] = '\n';
        }
        return events;
    }

    private static int lineBreaks(byte[] json) {
        int breaks = 0;
        for (byte b : json) {
            if (b == '\n' || b == '\r') {
                breaks++;
            }
        }
        return breaks;
    }

    private static int put(byte[] to, int at, byte[] from, int offset, int length) {
        System.arraycopy(from, offset, to, at, length);
        return at + length;
    }
}
