package io.switchboard.websocket;

/**
 * A session that is not a container's WebSocket session (the fallback transport's event stream): it knows its
 * client's address and counts the bytes it received itself, for the traffic log.
 */
public interface PeerSession {

    /** The client's address and port ({@code host:port}), as the HTTP request saw it; null when unknown. */
    String remoteAddress();

    /** The bytes received from the client so far (the bodies of its POSTs). */
    long bytesIn();
}
