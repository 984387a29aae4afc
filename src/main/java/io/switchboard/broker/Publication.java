package io.switchboard.broker;

/**
 * One encoded frame for an audience. Topics: {@code room:<name>} (the connections that joined the room),
 * {@code user:<id>} (every connection of that user) and {@code all} (every connection).
 *
 * @param topic who receives it
 * @param payload the frame, encoded once for every receiver
 * @param exceptUser a user whose connections skip it (the typist of a typing indicator), or null
 */
public record Publication(String topic, String payload, String exceptUser) {

    public static final String EVERYONE = "all";

    public static Publication toRoom(String room, String payload) {
        return new Publication(roomTopic(room), payload, null);
    }

    public static Publication toUser(String userId, String payload) {
        return new Publication(userTopic(userId), payload, null);
    }

    public static String roomTopic(String room) {
        return "room:" + room;
    }

    public static String userTopic(String userId) {
        return "user:" + userId;
    }

    public Publication except(String userId) {
        return new Publication(topic, payload, userId);
    }
}
