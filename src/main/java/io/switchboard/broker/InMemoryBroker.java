package io.switchboard.broker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** The single-node broker: hands every publication straight to this node's {@link LocalDelivery}. */
@ApplicationScoped
public class InMemoryBroker implements Broker {

    @Inject
    LocalDelivery delivery;

    @Override
    public void publish(Publication publication) {
        delivery.deliver(publication);
    }
}
