package io.switchboard.broker;

/**
 * One encoded frame for an audience.
 *
 * @param topic who receives it
 * @param payload the frame, encoded once for every receiver
 * @param exceptUser a user whose connections skip it (the typist of a typing indicator), or null
 */
public record Publication(Topic topic, String payload, String exceptUser) {

    public Publication(Topic topic, String payload) {
        this(topic, payload, null);
    }

    public static Publication toRoom(String room, String payload) {
        return new Publication(new Topic.Room(room), payload);
    }

    public static Publication toUser(String userId, String payload) {
        return new Publication(new Topic.User(userId), payload);
    }

    public Publication except(String userId) {
        return new Publication(topic, payload, userId);
    }
}
