package io.switchboard.broker;

/**
 * Delivers the publications of one kind of topic that needs more than "write the payload to every receiver" on the
 * receiving node, such as a per-user stream that must arrive in sequence without gaps.
 */
public interface TopicHandler {

    /** The kind of topic this handler delivers. */
    Class<? extends Topic> kind();

    void deliver(Publication publication);
}
