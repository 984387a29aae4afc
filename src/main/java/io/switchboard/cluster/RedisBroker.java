package io.switchboard.cluster;

import io.switchboard.broker.Broker;
import io.switchboard.broker.LocalDelivery;
import io.switchboard.broker.Publication;

/** The cluster broker: delivers to this node's receivers at once, then sends the publication over the bus. */
final class RedisBroker implements Broker {

    private final LocalDelivery local;
    private final RedisBus bus;

    RedisBroker(LocalDelivery local, RedisBus bus) {
        this.local = local;
        this.bus = bus;
    }

    @Override
    public void publish(Publication publication) {
        local.deliver(publication);
        bus.publish(publication);
    }
}
