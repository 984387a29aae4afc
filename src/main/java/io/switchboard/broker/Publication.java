package io.switchboard.broker;

/**
 * One encoded frame for an audience. Topics: {@code room:<name>} (the connections that joined the room),
 * {@code user:<id>} (every connection of that user) and {@code all} (every connection).
 *
 * Other prefixes belong to a {@link TopicHandler} (e.g. {@code inbox:<user>} for sequenced notifications).
 *
 * @param topic who receives it
 * @param payload the frame, encoded once for every receiver
 * @param exceptUser a user whose connections skip it (the typist of a typing indicator), or null
 * @param sequence the position of the payload in its topic's stream, or 0 when the topic is not sequenced
 */
public record Publication(String topic, String payload, String exceptUser, long sequence) {

    public static final String EVERYONE = "all";

    public static Publication toRoom(String room, String payload) {
        return new Publication(roomTopic(room), payload, null, 0);
    }

    public static Publication toUser(String userId, String payload) {
        return new Publication(userTopic(userId), payload, null, 0);
    }

    public static String roomTopic(String room) {
        return "room:" + room;
    }

    public static String userTopic(String userId) {
        return "user:" + userId;
    }

    public Publication except(String userId) {
        return new Publication(topic, payload, userId, sequence);
    }
}
