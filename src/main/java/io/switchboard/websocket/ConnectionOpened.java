package io.switchboard.websocket;

/** Fired after a connection is registered and identified. */
public record ConnectionOpened(Connection connection) {}
