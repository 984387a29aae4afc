package io.switchboard.broker;

import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import io.switchboard.websocket.OutboundFrame;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.List;

/** Writes a publication to this node's receivers: encoded once, queued on each connection without blocking. */
@ApplicationScoped
public class LocalDelivery {

    @Inject
    Connections connections;
    @Inject
    Subscriptions subscriptions;
    @Inject
    Instance<TopicHandler> handlerBeans;

    private List<TopicHandler> handlers;

    @PostConstruct
    void collectHandlers() {
        handlers = handlerBeans.stream().toList();
    }

    public void deliver(Publication publication) {
        String topic = publication.topic();
        for (TopicHandler handler : handlers) {
            if (topic.startsWith(handler.prefix())) {
                handler.deliver(publication);
                return;
            }
        }
        Collection<Connection> receivers;
        if (Publication.EVERYONE.equals(topic)) {
            receivers = connections.all();
        } else if (topic.startsWith("user:")) {
            receivers = connections.ofUser(topic.substring("user:".length()));
        } else {
            receivers = subscriptions.subscribers(topic);
        }
        Connection.broadcast(receivers, publication.exceptUser(), new OutboundFrame(publication.payload()));
    }
}
