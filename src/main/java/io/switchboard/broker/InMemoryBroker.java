package io.switchboard.broker;

/** The single-node broker: hands every publication straight to this node's {@link LocalDelivery}. */
public final class InMemoryBroker implements Broker {

    private final LocalDelivery delivery;

    public InMemoryBroker(LocalDelivery delivery) {
        this.delivery = delivery;
    }

    @Override
    public void publish(Publication publication) {
        delivery.deliver(publication);
    }
}
