package io.switchboard.bare;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The peer's whole state: tickets waiting to be redeemed, rooms and their members, the message counter. */
final class Peer {

    static final Map<String, String> TICKETS = new ConcurrentHashMap<>();
    static final Map<String, Set<jakarta.websocket.Session>> ROOMS = new ConcurrentHashMap<>();
    static final AtomicLong SEQ = new AtomicLong();

    private Peer() {}

    static String newTicket(String user) {
        String ticket = UUID.randomUUID().toString();
        TICKETS.put(ticket, user);
        return ticket;
    }

    /** The string value of {@code "key":"..."} in a flat JSON object (the benchmark sends no escapes), or null. */
    static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }
}
