package io.switchboard.broker;

/**
 * Fired (cluster mode) when this node may have missed publications of other nodes: its bus connection was
 * interrupted and works again, or a periodic check is due. Whoever keeps state that must not lose an update
 * (notification streams, revocations) catches up from where that state is stored.
 *
 * @param reason why, for the log
 */
public record PublicationsMayBeMissed(String reason) {}
