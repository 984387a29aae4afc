package io.switchboard.broker;

/**
 * Who receives a publication. Each kind is delivered its own way on the receiving node ({@link LocalDelivery}); a
 * kind that needs more than "write the frame to every receiver" has a {@link TopicHandler}.
 */
public sealed interface Topic {

    /** The connections that joined a chat room. */
    record Room(String name) implements Topic {}

    /**
     * A room's connections, for the message at position {@code seq} of the room's gapless sequence; delivered by the
     * room streams, which repair gaps from the history and drop what a connection already has.
     */
    record RoomMessage(String room, long seq) implements Topic {}

    /** Every connection of one user. */
    record User(String userId) implements Topic {}

    /** Every connection (of every node, in cluster mode). */
    record Everyone() implements Topic {}

    /**
     * One user's notification stream, at position {@code seq} of its gapless sequence (0: a frame outside the
     * sequence, such as an unread count); delivered by the notification streams, which repair gaps from the inbox.
     */
    record Inbox(String userId, long seq) implements Topic {}

    /**
     * Every connection of one user, to be closed (4003) because the user's credentials were revoked at the instant
     * the payload gives in epoch milliseconds; delivered by the revocations.
     */
    record Revoked(String userId) implements Topic {}

    /**
     * The frames of a POST to a fallback event stream (Server-Sent Events) that is open on another node, by the
     * stream's secret token: the payload is the POST's body; the node that holds the stream handles it as if it had been
     * posted there.
     */
    record Stream(String token) implements Topic {}
}
