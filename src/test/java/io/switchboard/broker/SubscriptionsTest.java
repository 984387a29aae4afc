package io.switchboard.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.websocket.Connection;
import io.switchboard.websocket.ConnectionClosed;
import io.switchboard.websocket.TestConnections;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A connection's rooms and a room's connections stay in step through joins, leaves and the connection's close. */
class SubscriptionsTest {

    private final Subscriptions subscriptions = new Subscriptions();
    private final Connection alice = TestConnections.of("alice", "c1", new ArrayList<>(), null);
    private final Connection bob = TestConnections.of("bob", "c2", new ArrayList<>(), null);
    private final Topic.Room lobby = new Topic.Room("lobby");
    private final Topic.Room ops = new Topic.Room("ops");

    @Test
    void aConnectionIsSubscribedOnceToEachRoomItJoins() {
        assertTrue(subscriptions.subscribe(lobby, alice));
        assertFalse(subscriptions.subscribe(lobby, alice), "already subscribed");
        assertTrue(subscriptions.subscribe(ops, alice));
        subscriptions.subscribe(lobby, bob);

        assertEquals(Set.of(lobby, ops), subscriptions.topicsOf(alice));
        assertEquals(Set.of(alice, bob), Set.copyOf(subscriptions.subscribers(lobby)));
        assertTrue(subscriptions.isSubscribed(ops, alice));
        assertFalse(subscriptions.isSubscribed(ops, bob));
    }

    @Test
    void leavingARoomRemovesOnlyThatRoom() {
        subscriptions.subscribe(lobby, alice);
        subscriptions.subscribe(ops, alice);

        assertTrue(subscriptions.unsubscribe(lobby, alice));
        assertFalse(subscriptions.unsubscribe(lobby, alice), "no longer subscribed");
        assertEquals(Set.of(ops), subscriptions.topicsOf(alice));
        assertTrue(subscriptions.unsubscribe(ops, alice));
        assertEquals(Set.of(), subscriptions.topicsOf(alice));
        assertEquals(List.of(), List.copyOf(subscriptions.subscribers(ops)));
    }

    @Test
    void aClosedConnectionLeavesEveryRoom() {
        subscriptions.subscribe(lobby, alice);
        subscriptions.subscribe(ops, alice);
        subscriptions.subscribe(lobby, bob);

        subscriptions.forget(new ConnectionClosed(alice, 1000));

        assertEquals(Set.of(), subscriptions.topicsOf(alice));
        assertEquals(List.of(bob), List.copyOf(subscriptions.subscribers(lobby)));
        assertEquals(List.of(), List.copyOf(subscriptions.subscribers(ops)));
    }
}
