package io.switchboard.security.control;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * One-time WebSocket tickets. Browsers cannot put an {@code Authorization} header on a WebSocket handshake, so a
 * page trades its bearer token for a ticket over REST and opens the socket with {@code ?ticket=}: the ticket is
 * random, valid for a few seconds and only once, so a URL that leaks into a log is worthless. In cluster mode the
 * tickets wait in Redis: issued on one node, redeemed once on any.
 */
@ApplicationScoped
public class Tickets {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    TicketStore store;

    @Inject
    Clock clock;

    @Inject
    SwitchboardConfig config;

    @Inject
    Revocations revocations;

    public record Ticket(String ticket, Instant expiresAt) {}

    public Ticket issue(Credential credential) {
        Instant now = clock.instant();
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant expiresAt = now.plus(config.ticketLifetime());
        store.put(ticket, new TicketStore.Pending(credential, expiresAt), now);
        return new Ticket(ticket, expiresAt);
    }

    /** Takes a ticket, once; throws {@link NotAuthenticated} when it is unknown, used, expired or revoked. */
    public Credential redeem(String ticket) {
        TicketStore.Pending found;
        try {
            found = store.take(ticket);
        } catch (io.switchboard.broker.SharedStateUnavailable e) {
            throw new NotAuthenticated("tickets cannot be checked right now (cluster store unavailable): try again");
        }
        if (found == null) {
            throw new NotAuthenticated("unknown or already used ticket");
        }
        Credential credential = found.credential();
        if (found.expiresAt().isBefore(clock.instant())) {
            throw new NotAuthenticated("ticket expired");
        }
        if (credential.expiresAt() != null && !credential.expiresAt().isAfter(clock.instant())) {
            throw new NotAuthenticated("token expired");
        }
        if (revocations.revokedAfter(credential.user(), credential.issuedAt())) {
            throw new NotAuthenticated("credential revoked");
        }
        return credential;
    }
}
