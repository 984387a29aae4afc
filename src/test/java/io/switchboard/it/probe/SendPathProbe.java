package io.switchboard.it.probe;

import io.switchboard.websocket.Connection;
import io.switchboard.websocket.Connections;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * Test-only resource added to the deployment by ChatIT: how frames reach one connection (send strategy and container
 * path), so a test can see which path each server really takes.
 */
@Path("test/send-path")
public class SendPathProbe {

    @Inject
    Connections connections;

    @GET
    public String path(@QueryParam("connection") String id) {
        return connections.all().stream()
                .filter(c -> c.id().equals(id))
                .findFirst()
                .map(Connection::sendPath)
                .orElseThrow(() -> new NotFoundException("no connection " + id));
    }
}
