package io.switchboard.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.config.MovableClock;
import io.switchboard.config.SwitchboardConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One-time tickets: once, only before they expire, never for a revoked or expired credential. */
class TicketsTest {

    private final MovableClock clock = new MovableClock();
    private final Tickets tickets = new Tickets();

    TicketsTest() {
        tickets.clock = clock;
        tickets.store = new InMemoryTicketStore();
        tickets.config = new SwitchboardConfig();
        tickets.revocations = new Revocations();
        tickets.revocations.clock = clock;
        tickets.revocations.mirror = RevocationMirror.NONE;
        tickets.revocations.store = new RevocationStore() {
            @Override
            public List<io.switchboard.security.entity.Revocation> all() {
                return List.of();
            }
        };
    }

    private Credential alice() {
        return new Credential(
                "alice", Set.of(), clock.instant(), clock.instant().plus(Duration.ofHours(1)));
    }

    @Test
    void aTicketWorksOnce() {
        String ticket = tickets.issue(alice()).ticket();
        assertEquals("alice", tickets.redeem(ticket).user());
        assertEquals(
                "unknown or already used ticket",
                assertThrows(NotAuthenticated.class, () -> tickets.redeem(ticket))
                        .getMessage());
    }

    @Test
    void aTicketExpiresWithoutWaitingForIt() {
        String ticket = tickets.issue(alice()).ticket();
        clock.advance(tickets.config.ticketLifetime().plusSeconds(1));
        assertEquals(
                "ticket expired",
                assertThrows(NotAuthenticated.class, () -> tickets.redeem(ticket))
                        .getMessage());
    }

    @Test
    void aTicketOfATokenThatExpiredMeanwhileIsRefused() {
        Credential shortLived =
                new Credential("bob", Set.of(), clock.instant(), clock.instant().plusSeconds(5));
        String ticket = tickets.issue(shortLived).ticket();
        clock.advance(Duration.ofSeconds(6));
        assertEquals(
                "token expired",
                assertThrows(NotAuthenticated.class, () -> tickets.redeem(ticket))
                        .getMessage());
    }
}
