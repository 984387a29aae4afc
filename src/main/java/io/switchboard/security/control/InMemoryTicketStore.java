package io.switchboard.security.control;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Tickets in this node's memory (a single node); expired ones are dropped whenever a ticket is issued. */
public final class InMemoryTicketStore implements TicketStore {

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    @Override
    public void put(String ticket, Pending ticketPending, Instant now) {
        pending.values().removeIf(p -> p.expiresAt().isBefore(now));
        pending.put(ticket, ticketPending);
    }

    @Override
    public Pending take(String ticket) {
        return pending.remove(ticket);
    }
}
