package io.switchboard.websocket;

import java.util.Collection;

/** Fired after each heartbeat round with the connections that are still alive on this node. */
public record HeartbeatTicked(Collection<Connection> alive) {}
