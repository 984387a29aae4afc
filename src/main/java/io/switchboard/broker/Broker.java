package io.switchboard.broker;

/**
 * Carries publications to the nodes that hold their receivers. Publications of one topic, published in order
 * from one thread, are delivered to each receiver in that order.
 */
public interface Broker {

    void publish(Publication publication);
}
