package io.switchboard.broker;

/**
 * Delivers the publications of topics that need more than "write the payload to every receiver" on the
 * receiving node, such as a per-user stream that must arrive in sequence without gaps.
 */
public interface TopicHandler {

    /** Topics starting with this prefix are handed to {@link #deliver}. */
    String prefix();

    void deliver(Publication publication);
}
