package io.switchboard.cluster;

import io.switchboard.broker.Publication;
import io.switchboard.broker.Topic;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A bus message: a header line of space-separated, URL-encoded fields (kind, sending node, topic, except-user),
 * then the frame as it is. {@code ~} stands for an absent field (URL encoding never produces it).
 *
 * <pre>
 * P node-a R room-1 ~\n{"type":"message",...}     publication to a room
 * P node-a M room-1 7 ~\n{"type":"message",...}   message 7 of a room
 * P node-a I alice 42 ~\n{...}                   notification 42 of alice
 * P node-a S TOKEN ~\n{"type":"join",...}          a POST for the event stream TOKEN
 * C node-a 17\n                                   canary 17 of node-a
 * </pre>
 */
final class Envelope {

    private static final String NONE = "~";

    /** A decoded bus message: a publication, or a canary ({@code publication == null}). */
    record Received(String node, Publication publication, long canary) {}

    private Envelope() {}

    static String canary(String node, long n) {
        return "C " + enc(node) + " " + n + "\n";
    }

    static String publication(String node, Publication publication) {
        StringBuilder out = new StringBuilder(publication.payload().length() + 64);
        out.append("P ").append(enc(node)).append(' ');
        Topic topic = publication.topic();
        if (topic instanceof Topic.Room room) {
            out.append("R ").append(enc(room.name()));
        } else if (topic instanceof Topic.RoomMessage message) {
            out.append("M ").append(enc(message.room())).append(' ').append(message.seq());
        } else if (topic instanceof Topic.User user) {
            out.append("U ").append(enc(user.userId()));
        } else if (topic instanceof Topic.Everyone) {
            out.append("E ").append(NONE);
        } else if (topic instanceof Topic.Inbox inbox) {
            out.append("I ").append(enc(inbox.userId())).append(' ').append(inbox.seq());
        } else if (topic instanceof Topic.Revoked revoked) {
            out.append("X ").append(enc(revoked.userId()));
        } else if (topic instanceof Topic.Stream stream) {
            out.append("S ").append(enc(stream.token()));
        } else {
            throw new IllegalArgumentException("no bus encoding for " + topic);
        }
        out.append(' ').append(publication.exceptUser() == null ? NONE : enc(publication.exceptUser()));
        return out.append('\n').append(publication.payload()).toString();
    }

    static Received decode(String message) {
        int newline = message.indexOf('\n');
        if (newline < 0) {
            throw new IllegalArgumentException("not a bus message");
        }
        String[] f = message.substring(0, newline).split(" ", -1);
        String node = dec(f[1]);
        if ("C".equals(f[0])) {
            return new Received(node, null, Long.parseLong(f[2]));
        }
        if (!"P".equals(f[0])) {
            throw new IllegalArgumentException("unknown bus message kind " + f[0]);
        }
        int i = 3;
        Topic topic = switch (f[2]) {
            case "R" -> new Topic.Room(dec(f[i++]));
            case "M" -> new Topic.RoomMessage(dec(f[i++]), Long.parseLong(f[i++]));
            case "U" -> new Topic.User(dec(f[i++]));
            case "E" -> {
                i++;
                yield new Topic.Everyone();
            }
            case "I" -> new Topic.Inbox(dec(f[i++]), Long.parseLong(f[i++]));
            case "X" -> new Topic.Revoked(dec(f[i++]));
            case "S" -> new Topic.Stream(dec(f[i++]));
            default -> throw new IllegalArgumentException("unknown topic kind " + f[2]);
        };
        String except = NONE.equals(f[i]) ? null : dec(f[i]);
        return new Received(node, new Publication(topic, message.substring(newline + 1), except), 0);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
