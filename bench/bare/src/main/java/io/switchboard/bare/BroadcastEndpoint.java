package io.switchboard.bare;

import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The naive broadcast: a set of sessions per room, {@code sendText(message)} on each member's async remote. Nothing
 * is stored, checked or limited; container defaults for everything.
 */
@ServerEndpoint("/ws/chat")
public class BroadcastEndpoint {

    @OnOpen
    public void open(Session session) throws IOException {
        List<String> tickets = session.getRequestParameterMap().get("ticket");
        String user = tickets == null || tickets.isEmpty() ? null : Peer.TICKETS.remove(tickets.get(0));
        if (user == null) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, "no ticket"));
            return;
        }
        session.getUserProperties().put("user", user);
        session.getAsyncRemote()
                .sendText("{\"type\":\"welcome\",\"connectionId\":\"" + UUID.randomUUID() + "\",\"user\":\"" + user
                        + "\"}");
    }

    @OnMessage
    public void message(Session session, String text) {
        String type = Peer.field(text, "type");
        String room = Peer.field(text, "room");
        if ("join".equals(type) && room != null) {
            Peer.ROOMS.computeIfAbsent(room, r -> ConcurrentHashMap.newKeySet()).add(session);
            session.getAsyncRemote()
                    .sendText("{\"type\":\"joined\",\"room\":\"" + room + "\",\"history\":[],\"members\":[]}");
        } else if ("post".equals(type) && room != null) {
            Set<Session> members = Peer.ROOMS.get(room);
            if (members == null || !members.contains(session)) {
                return;
            }
            long id = Peer.SEQ.incrementAndGet();
            String ts = Instant.now().toString();
            String clientId = Peer.field(text, "clientId");
            session.getAsyncRemote()
                    .sendText("{\"type\":\"ack\",\"clientId\":\"" + clientId + "\",\"id\":" + id + ",\"seq\":" + id
                            + ",\"ts\":\"" + ts + "\",\"duplicate\":false}");
            String message = "{\"type\":\"message\",\"id\":" + id + ",\"seq\":" + id + ",\"room\":\"" + room
                    + "\",\"from\":\"" + session.getUserProperties().get("user") + "\",\"text\":\""
                    + Peer.field(text, "text") + "\",\"ts\":\"" + ts + "\",\"clientId\":\"" + clientId + "\"}";
            for (Session member : members) {
                member.getAsyncRemote().sendText(message);
            }
        }
    }

    @OnClose
    public void close(Session session) {
        Peer.ROOMS.values().forEach(members -> members.remove(session));
    }
}
