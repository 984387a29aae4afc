package io.switchboard.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an administrator sees and does on a node ({@code /api/admin}): its connections, users and rooms, closing
 * connections (4004), and the graceful drain (1012 spread over a window, new connections refused, nothing lost).
 */
class AdminIT extends DeployedTest {

    private static final String[] ADMIN = Credentials.bearer("root", "admin");

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war();
    }

    @AfterEach
    void endAnyDrain() {
        Servers.delete(http, "/api/admin/drain", ADMIN);
    }

    @Test
    void anAdministratorSeesConnectionsUsersAndRoomsAndNobodyElseDoes() {
        String alice = user("alice");
        String room = "ops-" + tag;
        try (WsClient chat = WsClient.chat(ws, alice);
                WsClient notifications = WsClient.notifications(ws, alice, 0)) {
            chat.join(room);
            // the joined frame is queued a moment before the join is recorded (no room message can slip in between):
            // the list shows the room within that moment, so it is read until it does (or 5 s pass)
            TreeMap<String, JsonObject> byEndpoint = new TreeMap<>();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                JsonObject listed = Servers.json(Servers.get(http, "/api/admin/connections?user=" + alice, ADMIN));
                assertEquals(2, listed.getInt("total"));
                byEndpoint.clear();
                listed.getJsonArray("connections")
                        .getValuesAs(JsonObject.class)
                        .forEach(c -> byEndpoint.put(c.getString("endpoint"), c));
                assertEquals(List.of("/ws/chat", "/ws/notifications"), List.copyOf(byEndpoint.keySet()));
                assertEquals(alice, byEndpoint.get("/ws/chat").getString("user"));
                assertEquals(
                        List.of(room),
                        byEndpoint
                                .get("/ws/chat")
                                .getJsonArray("rooms")
                                .getValuesAs(v -> v.toString().replace("\"", "")));
            });

            JsonArray users = array(Servers.get(http, "/api/admin/users", ADMIN));
            assertTrue(
                    users.getValuesAs(JsonObject.class).stream()
                            .anyMatch(u -> alice.equals(u.getString("user")) && u.getInt("connections") == 2),
                    users.toString());
            JsonArray rooms = array(Servers.get(http, "/api/admin/rooms", ADMIN));
            assertTrue(
                    rooms.getValuesAs(JsonObject.class).stream()
                            .anyMatch(r -> room.equals(r.getString("room")) && r.getInt("online") == 1),
                    rooms.toString());

            for (String path :
                    List.of("/api/admin/connections", "/api/admin/users", "/api/admin/rooms", "/api/admin/drain")) {
                assertEquals(401, Servers.get(http, path).statusCode(), path);
                assertEquals(
                        403, Servers.get(http, path, Credentials.bearer(alice)).statusCode(), path);
            }
            assertEquals(
                    403,
                    Servers.post(http, "/api/admin/drain", "", Credentials.bearer(alice))
                            .statusCode());
            assertTrue(chat.isOpen() && notifications.isOpen());
        }
    }

    @Test
    void anAdministratorClosesOneConnectionOrAllOfAUsersWith4004() {
        String bob = user("bob");
        try (WsClient first = WsClient.chat(ws, bob);
                WsClient second = WsClient.chat(ws, bob);
                WsClient third = WsClient.notifications(ws, bob, 0)) {
            String id = Servers.json(Servers.get(http, "/api/admin/connections?user=" + bob, ADMIN))
                    .getJsonArray("connections")
                    .getValuesAs(JsonObject.class)
                    .stream()
                    .filter(c -> c.getString("endpoint").equals("/ws/notifications"))
                    .findFirst()
                    .orElseThrow()
                    .getString("id");
            assertEquals(
                    204,
                    Servers.delete(http, "/api/admin/connections/" + id + "?reason=spam", ADMIN)
                            .statusCode());
            assertEquals(4004, third.closeCode());
            assertEquals("closed by an administrator: spam", third.closeReason());
            assertTrue(first.isOpen() && second.isOpen(), "only that connection closes");

            HttpResponse<String> missing = Servers.delete(http, "/api/admin/connections/" + id, ADMIN);
            assertEquals(404, missing.statusCode());
            assertEquals(
                    "application/problem+json",
                    missing.headers().firstValue("Content-Type").orElse(""));

            JsonObject closed = Servers.json(Servers.delete(http, "/api/admin/users/" + bob + "/connections", ADMIN));
            assertEquals(2, closed.getInt("closed"));
            assertEquals(4004, first.closeCode());
            assertEquals(4004, second.closeCode());
            assertEquals(
                    0,
                    Servers.json(Servers.get(http, "/api/admin/connections?user=" + bob, ADMIN))
                            .getInt("total"));
        }
    }

    @Test
    void aDrainClosesEveryConnectionWith1012SpreadOverItsWindowAndLosesNoNotification() throws Exception {
        int users = 50;
        int perUser = 4; // three chat connections and one notification stream each: 200 connections
        int windowSeconds = 5;
        List<String> names =
                IntStream.range(0, users).mapToObj(i -> user("d" + i)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<WsClient>> opening = new ArrayList<>();
            for (String name : names) {
                for (int i = 0; i < perUser - 1; i++) {
                    opening.add(pool.submit(() -> WsClient.chat(ws, name)));
                }
                opening.add(pool.submit(() -> WsClient.notifications(ws, name, 0)));
            }
            List<WsClient> clients = new ArrayList<>();
            for (Future<WsClient> f : opening) {
                clients.add(f.get(60, TimeUnit.SECONDS));
            }
            for (String name : names) {
                publish(name, "before");
            }

            long started = System.nanoTime();
            HttpResponse<String> drain =
                    Servers.post(http, "/api/admin/drain", "{\"windowSeconds\":" + windowSeconds + "}", ADMIN);
            assertEquals(202, drain.statusCode(), drain.body());
            JsonObject status = Servers.json(drain);
            assertTrue(status.getBoolean("draining"));
            assertTrue(status.getInt("total") >= users * perUser, status.toString());
            for (String name : names) {
                publish(name, "during"); // stored; delivered now or on the next connection
            }
            assertEquals(503, Servers.get(http, "/api/health/ready").statusCode(), "not ready while draining");
            WsClient late = WsClient.connect(ws, "/ws/chat", user("late"));
            assertEquals(1012, late.closeCode(), "a new connection is refused while draining");

            List<Long> closedAt = new ArrayList<>();
            for (int i = 0; i < clients.size(); i++) {
                WsClient client = clients.get(i);
                int index = i;
                assertEquals(
                        1012,
                        client.closeCode(),
                        () -> "connection " + index + " of " + names.get(index / perUser) + ", closed "
                                + TimeUnit.NANOSECONDS.toMillis(client.closedAtNanos() - started)
                                + " ms after the drain started, reason '" + client.closeReason() + "'");
                assertTrue(client.closeReason().contains("retry-after="), client.closeReason());
                closedAt.add(client.closedAtNanos() - started);
            }
            int[] perSecond = new int[windowSeconds + 2];
            closedAt.forEach(
                    at -> perSecond[(int) Math.min(perSecond.length - 1, TimeUnit.NANOSECONDS.toSeconds(at))]++);
            int even = clients.size() / windowSeconds;
            for (int second = 0; second < perSecond.length; second++) {
                assertTrue(
                        perSecond[second] <= 2 * even,
                        "closes per second " + java.util.Arrays.toString(perSecond) + ": at most twice the even rate");
            }
            assertTrue(
                    closedAt.stream().mapToLong(Long::longValue).max().orElse(0)
                            >= TimeUnit.SECONDS.toNanos(windowSeconds - 1),
                    "the closes take the window");

            // what each notification stream saw before its close, then the rest after the drain ends
            List<WsClient> streams = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                streams.add(clients.get(u * perUser + perUser - 1));
            }
            assertEquals(200, Servers.delete(http, "/api/admin/drain", ADMIN).statusCode());
            assertEquals(200, Servers.get(http, "/api/health/ready").statusCode(), "ready once the drain ends");
            for (int u = 0; u < users; u++) {
                List<String> titles = new ArrayList<>();
                long last = 0;
                for (JsonObject frame : streams.get(u).drain()) {
                    if ("notification".equals(frame.getString("type"))) {
                        titles.add(frame.getString("title"));
                        last = frame.getInt("seq");
                    }
                }
                try (WsClient again = WsClient.notifications(ws, names.get(u), last)) {
                    while (titles.size() < 2) {
                        titles.add(again.expect("notification").getString("title"));
                    }
                    again.expect("replayed");
                }
                assertEquals(List.of("before", "during"), titles, names.get(u) + ": each notification once, in order");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDrainRequestIsCheckedLikeAnyOtherBody() {
        HttpResponse<String> bad = Servers.post(http, "/api/admin/drain", "{\"windowSeconds\":-1}", ADMIN);
        assertEquals(400, bad.statusCode());
        assertEquals("windowSeconds", Servers.json(bad).getString("field"));
        assertEquals(
                false,
                Servers.json(Servers.get(http, "/api/admin/drain", ADMIN)).getBoolean("draining"));
    }

    private void publish(String user, String title) {
        HttpResponse<String> response = Servers.post(
                http,
                "/api/notifications",
                "{\"user\":\"" + user + "\",\"title\":\"" + title + "\",\"body\":\"b\"}",
                Credentials.bearer("ops", "publisher"));
        assertEquals(201, response.statusCode(), response.body());
    }

    /** A REST answer's JSON array. */
    private static JsonArray array(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return jakarta.json.Json.createReader(new java.io.StringReader(response.body()))
                .readArray();
    }
}
