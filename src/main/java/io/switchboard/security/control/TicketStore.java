package io.switchboard.security.control;

import java.time.Instant;

/**
 * Where issued, not yet redeemed tickets wait: this node's memory, or Redis in cluster mode (a ticket issued on one
 * node is redeemed, once, on any).
 */
public interface TicketStore {

    /** An issued ticket: for whom, valid until when. */
    record Pending(Credential credential, Instant expiresAt) {}

    /** Keeps a new ticket until it is taken or expires. */
    void put(String ticket, Pending pending, Instant now);

    /** Removes and returns a ticket, once; null when it is unknown, already taken or long expired. */
    Pending take(String ticket);
}
