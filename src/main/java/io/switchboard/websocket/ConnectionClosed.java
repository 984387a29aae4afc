package io.switchboard.websocket;

/** Fired once when a connection has ended, however it ended; observers release what it held. */
public record ConnectionClosed(Connection connection, int closeCode) {}
