package io.switchboard.broker;

import io.switchboard.operations.control.Meters;
import io.switchboard.operations.control.Metrics;
import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.OutboundFrame;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/** Writes a publication to this node's receivers: encoded once, queued on each connection without blocking. */
@ApplicationScoped
public class LocalDelivery {

    @Inject
    Connections connections;

    @Inject
    Subscriptions subscriptions;

    @Inject
    Instance<TopicHandler> handlerBeans;

    @Inject
    Metrics metrics;

    private Meters meters;

    private Map<Class<? extends Topic>, TopicHandler> handlers;

    @PostConstruct
    void collectHandlers() {
        meters = metrics.meters();
        handlers = handlerBeans.stream().collect(Collectors.toUnmodifiableMap(TopicHandler::kind, h -> h));
    }

    public void deliver(Publication publication) {
        TopicHandler handler = handlers.get(publication.topic().getClass());
        if (handler != null) {
            handler.deliver(publication);
            return;
        }
        Topic topic = publication.topic();
        Collection<Connection> receivers;
        if (topic instanceof Topic.Room room) {
            receivers = subscriptions.subscribers(room);
        } else if (topic instanceof Topic.User user) {
            receivers = connections.ofUser(user.userId());
        } else if (topic instanceof Topic.Everyone) {
            receivers = connections.all();
        } else {
            throw new IllegalStateException("no delivery for " + topic);
        }
        Connection.broadcast(receivers, publication.exceptUser(), new OutboundFrame(publication.payload()), meters);
    }
}
