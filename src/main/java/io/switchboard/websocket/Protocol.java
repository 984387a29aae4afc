package io.switchboard.websocket;

/**
 * The WebSocket subprotocols ({@code Sec-WebSocket-Protocol}) the endpoints speak. A client that offers
 * {@link #V1} gets it back in the handshake; a client that offers none gets v1 without the header. A later,
 * incompatible protocol gets a name of its own beside v1, so old and new clients can share a server.
 */
public final class Protocol {

    /** The protocol described in docs/protocol.md. */
    public static final String V1 = "switchboard.v1";

    private Protocol() {}
}
