package io.switchboard.operations.control;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The traffic log: one line per connection opened, per connection closed and per handshake refused, on the JUL
 * logger {@code io.switchboard.traffic} at INFO, as {@code key=value} pairs (values with spaces or quotes quoted,
 * control characters escaped, so a client's close reason cannot forge a line). Message contents only at FINE, which
 * is off unless an operator sets the logger's level:
 * <pre>
 * open conn=3f2a user=alice endpoint=chat remote=10.0.0.7:51234
 * close conn=3f2a user=alice endpoint=chat remote=10.0.0.7:51234 duration_ms=5012 frames_in=4 bytes_in=312 frames_out=9 bytes_out=2210 code=1000 initiator=client reason="bye"
 * refused endpoint=chat remote=10.0.0.7:51240 reason=credential detail="ticket expired"
 * </pre>
 */
public final class TrafficLog {

    /** The logger's name. */
    public static final String LOGGER = "io.switchboard.traffic";

    private static final Logger LOG = Logger.getLogger(LOGGER);

    private TrafficLog() {}

    /** One connection's identity and counts, as the close line shows them. */
    public record Closed(
            String connection,
            String user,
            String endpoint,
            String remote,
            long durationMillis,
            long framesIn,
            long bytesIn,
            long framesOut,
            long bytesOut,
            int code,
            String initiator,
            String reason) {}

    public static void opened(String connection, String user, String endpoint, String remote) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.info("open conn=" + value(connection) + " user=" + value(user) + " endpoint=" + endpoint + " remote="
                    + value(remote));
        }
    }

    public static void closed(Closed c) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.info("close conn=" + value(c.connection()) + " user=" + value(c.user()) + " endpoint=" + c.endpoint()
                    + " remote=" + value(c.remote()) + " duration_ms=" + c.durationMillis() + " frames_in="
                    + c.framesIn() + " bytes_in=" + c.bytesIn() + " frames_out=" + c.framesOut() + " bytes_out="
                    + c.bytesOut() + " code=" + c.code() + " initiator=" + c.initiator() + " reason="
                    + quoted(c.reason()));
        }
    }

    public static void refused(String endpoint, String remote, String reason, String detail) {
        if (LOG.isLoggable(Level.INFO)) {
            LOG.info("refused endpoint=" + endpoint + " remote=" + value(remote) + " reason=" + reason + " detail="
                    + quoted(detail));
        }
    }

    /** Whether message contents are logged (FINE). Checked per frame, so it is a level test and nothing else. */
    public static boolean contents() {
        return LOG.isLoggable(Level.FINE);
    }

    /** A message's contents, at FINE: {@code direction} is {@code in} or {@code out}. */
    public static void content(String connection, String direction, String text) {
        LOG.fine(direction + " conn=" + value(connection) + " text=" + quoted(text));
    }

    /** A value as it is when it has no space, quote, equals sign or control character; quoted otherwise. */
    static String value(String text) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7F || Character.isSpaceChar(c)) {
                return quoted(text);
            }
        }
        return text;
    }

    /** {@code "text"} with quotes, backslashes and control characters escaped (line separators too). */
    static String quoted(String text) {
        if (text == null) {
            return "\"\"";
        }
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7F || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
