package io.switchboard.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.probe.ClockProbe;
import io.switchboard.it.probe.InboxProbe;
import io.switchboard.it.probe.TestClock;
import io.switchboard.it.probe.TransactionProbe;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Notifications published over REST and CDI, delivered over real WebSocket connections. */
class NotificationIT extends DeployedTest {

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war().addClasses(TransactionProbe.class, InboxProbe.class, TestClock.class, ClockProbe.class);
    }

    private static final String[] PUBLISHER = Credentials.bearer("ops", "publisher");

    private HttpResponse<String> publish(String audience, String title, String... headers) {
        String[] all = Stream.concat(Stream.of(PUBLISHER), Stream.of(headers)).toArray(String[]::new);
        return Servers.post(
                http, "/api/notifications", "{" + audience + ",\"title\":\"" + title + "\",\"body\":\"b\"}", all);
    }

    private HttpResponse<String> publishTo(String user, String title) {
        HttpResponse<String> response = publish("\"user\":\"" + user + "\"", title);
        assertEquals(201, response.statusCode(), response.body());
        return response;
    }

    @Test
    void aUserOnlineInTwoTabsGetsTheNotificationOnBoth() {
        String bob = user("bob");
        try (WsClient tab1 = WsClient.notifications(ws, bob, 0);
                WsClient tab2 = WsClient.notifications(ws, bob, 0)) {
            tab1.expect("replayed");
            tab2.expect("replayed");
            publishTo(bob, "deploy finished");
            for (WsClient tab : List.of(tab1, tab2)) {
                JsonObject n = tab.expect("notification");
                assertEquals("deploy finished", n.getString("title"));
                assertEquals(1, n.getInt("seq"));
                assertEquals(1, tab.expect("unread").getInt("count"));
            }
        }
    }

    @Test
    void anOfflineUserGetsTheNotificationsInOrderOnTheNextConnect() {
        String carol = user("carol");
        for (int i = 1; i <= 5; i++) {
            publishTo(carol, "offline " + i);
        }
        try (WsClient client = WsClient.notifications(ws, carol, 0)) {
            for (int i = 1; i <= 5; i++) {
                JsonObject n = client.expect("notification");
                assertEquals("offline " + i, n.getString("title"));
                assertEquals(i, n.getInt("seq"));
            }
            JsonObject replayed = client.expect("replayed");
            assertEquals(5, replayed.getInt("lastSeq"));
            assertEquals(5, replayed.getInt("unread"));
        }
    }

    @Test
    void aClientThatReconnectsWithItsLastSequenceGetsExactlyTheMissedOnesWhilePublishingGoesOn() {
        String dave = user("dave");
        int total = 300;
        AtomicInteger published = new AtomicInteger();
        Runnable publisher = () -> {
            int i;
            while ((i = published.incrementAndGet()) <= total) {
                publishTo(dave, "burst " + i);
            }
        };
        List<Integer> received = new ArrayList<>();
        WsClient first = WsClient.notifications(ws, dave, 0);
        first.expect("replayed");
        CompletableFuture<Void> publishing =
                CompletableFuture.allOf(CompletableFuture.runAsync(publisher), CompletableFuture.runAsync(publisher));
        while (received.size() < 60) {
            received.add(first.expect("notification").getInt("seq"));
        }
        first.abort(); // drops in the middle of the burst
        int reconnections = 0;
        while (received.size() < total) {
            int last = received.get(received.size() - 1);
            try (WsClient again = WsClient.notifications(ws, dave, last)) {
                reconnections++;
                int target = Math.min(total, received.size() + 80);
                while (received.size() < target) {
                    received.add(again.expect("notification").getInt("seq"));
                }
            }
        }
        publishing.join();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            expected.add(i);
        }
        assertEquals(
                expected,
                received,
                "every sequence number exactly once, in order, over " + reconnections + " reconnections");
    }

    @Test
    void aPublishInsideATransactionArrivesAfterCommitAndARolledBackOneNeverDoes() {
        String erin = user("erin");
        try (WsClient client = WsClient.notifications(ws, erin, 0)) {
            client.expect("replayed");
            assertEquals(
                    200,
                    Servers.post(
                                    http,
                                    "/api/test/publish-in-transaction?user=" + erin + "&title=rolled&commit=false",
                                    "")
                            .statusCode());
            assertEquals(
                    200,
                    Servers.post(
                                    http,
                                    "/api/test/publish-in-transaction?user=" + erin + "&title=committed&commit=true",
                                    "")
                            .statusCode());
            JsonObject n = client.expect("notification");
            assertEquals("committed", n.getString("title"), "the rolled-back notification never arrives");
            assertEquals(1, n.getInt("seq"), "the rolled-back notification used no sequence number");
        }
        JsonObject inbox =
                Servers.json(Servers.get(http, "/api/users/" + erin + "/notifications", Credentials.bearer(erin)));
        assertEquals(1, inbox.getJsonArray("items").size(), "nothing of the rolled-back one was stored");
    }

    @Test
    void aRetriedPublishWithTheSameIdempotencyKeyNotifiesOnce() {
        String frank = user("frank");
        try (WsClient client = WsClient.notifications(ws, frank, 0)) {
            client.expect("replayed");
            String key = "key-" + tag;
            HttpResponse<String> first = publish("\"user\":\"" + frank + "\"", "once", "Idempotency-Key", key);
            HttpResponse<String> retry = publish("\"user\":\"" + frank + "\"", "once", "Idempotency-Key", key);
            assertEquals(201, first.statusCode(), first.body());
            assertEquals(200, retry.statusCode(), retry.body());
            assertEquals(Servers.json(first).getInt("id"), Servers.json(retry).getInt("id"));
            assertTrue(Servers.json(retry).getBoolean("duplicate"));
            client.expect("notification");
            assertTrue(client.receivesNo("notification", Duration.ofSeconds(1)));
        }
    }

    @Test
    void topicAndUserListAndBroadcastReachTheRightUsersAndNoOneElse() {
        String ann = user("ann");
        String ben = user("ben");
        String cid = user("cid");
        try (WsClient a = WsClient.notifications(ws, ann, 0);
                WsClient b = WsClient.notifications(ws, ben, 0);
                WsClient c = WsClient.notifications(ws, cid, 0)) {
            a.expect("replayed");
            b.expect("replayed");
            c.expect("replayed");
            String topic = "deploys-" + tag;
            a.send("{\"type\":\"subscribe\",\"topic\":\"" + topic + "\"}");
            assertEquals(
                    List.of(topic),
                    a.expect("subscribed").getJsonArray("topics").getValuesAs(jakarta.json.JsonString.class).stream()
                            .map(jakarta.json.JsonString::getString)
                            .toList());
            assertEquals(
                    200,
                    Servers.put(http, "/api/users/" + ben + "/topics/" + topic, "", Credentials.bearer(ben))
                            .statusCode());

            assertEquals(
                    201, publish("\"topic\":\"" + topic + "\"", "to the topic").statusCode());
            assertEquals("to the topic", a.expect("notification").getString("title"));
            assertEquals("to the topic", b.expect("notification").getString("title"));
            assertTrue(c.receivesNo("notification", Duration.ofSeconds(1)), "not subscribed: no topic notification");

            assertEquals(
                    201,
                    publish("\"users\":[\"" + ann + "\",\"" + cid + "\"]", "to two")
                            .statusCode());
            assertEquals("to two", a.expect("notification").getString("title"));
            assertEquals("to two", c.expect("notification").getString("title"));
            assertTrue(b.receivesNo("notification", Duration.ofSeconds(1)), "not in the list");

            String everyone = "to everyone " + tag;
            assertEquals(201, publish("\"everyone\":true", everyone).statusCode());
            for (WsClient client : List.of(a, b, c)) {
                client.expect("notification", n -> everyone.equals(n.getString("title")));
            }
        }
    }

    @Test
    void readStateAndUnreadCountsAgreeAcrossTwoConnections() {
        String gus = user("gus");
        for (int i = 1; i <= 3; i++) {
            publishTo(gus, "read me " + i);
        }
        try (WsClient phone = WsClient.notifications(ws, gus, 0);
                WsClient laptop = WsClient.notifications(ws, gus, 0)) {
            assertEquals(3, phone.expect("replayed").getInt("unread"));
            assertEquals(3, laptop.expect("replayed").getInt("unread"));
            phone.send("{\"type\":\"read\",\"seq\":2}");
            for (WsClient device : List.of(phone, laptop)) {
                assertEquals(2, device.expect("read").getInt("seq"));
                assertEquals(2, device.expect("unread").getInt("count"));
            }
            assertEquals(
                    204,
                    Servers.post(http, "/api/users/" + gus + "/notifications/read", "", Credentials.bearer(gus))
                            .statusCode());
            for (WsClient device : List.of(phone, laptop)) {
                assertTrue(device.expect("read").getBoolean("all"));
                assertEquals(0, device.expect("unread").getInt("count"));
            }
            phone.send("{\"type\":\"read\",\"seq\":99}");
            assertEquals("invalid_field", phone.expect("error").getString("code"));
        }
        JsonObject inbox =
                Servers.json(Servers.get(http, "/api/users/" + gus + "/notifications", Credentials.bearer(gus)));
        assertEquals(0, inbox.getInt("unread"));
        assertTrue(inbox.getJsonArray("items").getValuesAs(JsonObject.class).stream()
                .allMatch(n -> n.getBoolean("read")));
    }

    @Test
    void expiredNotificationsAreNeverDeliveredAndArePurged() {
        String hal = user("hal");
        Instant soon = Instant.now().plusSeconds(20);
        HttpResponse<String> response = Servers.post(
                http,
                "/api/notifications",
                "{\"user\":\"" + hal + "\",\"title\":\"fleeting\",\"expiresAt\":\"" + soon + "\"}",
                PUBLISHER);
        assertEquals(201, response.statusCode(), response.body());
        publishTo(hal, "lasting");
        // the server's clock moves past the expiry instead of the test waiting for it
        assertEquals(
                204, Servers.put(http, "/api/test/clock?offsetSeconds=30", "").statusCode());
        try {
            expiredOneIsGone(hal);
        } finally {
            Servers.put(http, "/api/test/clock?offsetSeconds=0", "");
        }
    }

    private void expiredOneIsGone(String hal) {
        try (WsClient client = WsClient.notifications(ws, hal, 0)) {
            JsonObject n = client.expect("notification");
            assertEquals("lasting", n.getString("title"));
            JsonObject replayed = client.expect("replayed");
            assertEquals(0 + 1, replayed.getInt("unread"), "the expired one does not count as unread");
        }
        JsonObject inbox =
                Servers.json(Servers.get(http, "/api/users/" + hal + "/notifications", Credentials.bearer(hal)));
        assertEquals(
                List.of("lasting"),
                inbox.getJsonArray("items").getValuesAs(JsonObject.class).stream()
                        .map(n -> n.getString("title"))
                        .toList());
        // the tests run the purge every second: the expired row itself goes from the database
        await().atMost(Duration.ofSeconds(15))
                .until(() -> "1"
                        .equals(Servers.get(http, "/api/test/inbox-rows?user=" + hal)
                                .body()
                                .trim()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "{\"user\":\"USER\"}|title",
                "{\"title\":\"no audience\"}|user",
                "{\"user\":\"USER\",\"topic\":\"t\",\"title\":\"two audiences\"}|user",
                "{\"user\":\"USER\",\"title\":\"x\",\"severity\":\"apocalyptic\"}|severity",
                "{\"user\":\"USER\",\"title\":\"x\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}|expiresAt",
                "{\"user\":\"USER\",\"title\":\"x\",\"link\":\"javascript:alert(1)\"}|link",
                "{\"users\":[\"ok\",\"not ok!\"],\"title\":\"x\"}|users",
                "{\"user\":\"USER\",\"title\":\"two\\nlines\"}|title",
                "{\"user\":\"USER\",\"title\":\"x\",\"body\":\"bell \\u0007\"}|body",
                "{\"user\":\"USER\",\"title\":\"x\",\"link\":\"/\\\\evil.example\"}|link",
                "{\"user\":\"USER\",\"title\":5}|title",
                "{\"user\":\"USER\",\"title\":\"x\",\"expiresAt\":\"tomorrow\"}|expiresAt",
                "{\"user\":\"USER\",\"title\":\"x\",\"everyone\":\"yes\"}|everyone",
                "{\"users\":[\"USER\",7],\"title\":\"x\"}|users",
            })
    void invalidPublishesGetAProblemNamingTheFieldAndStoreNothing(String body, String field) {
        String ivy = user("ivy");
        HttpResponse<String> response = Servers.post(http, "/api/notifications", body.replace("USER", ivy), PUBLISHER);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals(field, Servers.json(response).getString("field"), response.body());
        assertEquals(
                0,
                Servers.json(Servers.get(http, "/api/users/" + ivy + "/notifications", Credentials.bearer(ivy)))
                        .getInt("lastSeq"));
    }

    @Test
    void aNotificationWithEmojiAndLineBreaksArrivesIntact() {
        String lia = user("lia");
        String body = "line one\nline two \ud83d\ude80\tdone";
        try (WsClient client = WsClient.notifications(ws, lia, 0)) {
            client.expect("replayed");
            HttpResponse<String> response = Servers.post(
                    http,
                    "/api/notifications",
                    jakarta.json.Json.createObjectBuilder()
                            .add("user", lia)
                            .add("title", "Deploy \ud83d\ude80 finished")
                            .add("body", body)
                            .build()
                            .toString(),
                    PUBLISHER);
            assertEquals(201, response.statusCode(), response.body());
            JsonObject n = client.expect("notification");
            assertEquals("Deploy \ud83d\ude80 finished", n.getString("title"));
            assertEquals(body, n.getString("body"));
        }
    }

    @Test
    void badInboxParametersGetAProblemNamingTheParameter() {
        HttpResponse<String> badLimit = Servers.get(
                http, "/api/users/" + user("mo") + "/notifications?limit=500", Credentials.bearer(user("mo")));
        assertEquals(400, badLimit.statusCode(), badLimit.body());
        assertTrue(badLimit.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("limit", Servers.json(badLimit).getString("field"), badLimit.body());
        for (String query : new String[] {"limit=abc", "after=abc", "limit=1%20OR%201=1", "after=1;DROP"}) {
            HttpResponse<String> bad = Servers.get(
                    http, "/api/users/" + user("mo") + "/notifications?" + query, Credentials.bearer(user("mo")));
            assertEquals(400, bad.statusCode(), query + ": " + bad.body());
            assertEquals(
                    query.substring(0, query.indexOf('=')), Servers.json(bad).getString("field"), bad.body());
        }
        HttpResponse<String> badSeq = Servers.post(
                http, "/api/users/" + user("mo") + "/notifications/abc/read", "", Credentials.bearer(user("mo")));
        assertEquals(400, badSeq.statusCode(), badSeq.body());
        assertEquals("seq", Servers.json(badSeq).getString("field"), badSeq.body());
        HttpResponse<String> badTopic =
                Servers.put(http, "/api/users/" + user("mo") + "/topics/-" + tag, "", Credentials.bearer(user("mo")));
        assertEquals(400, badTopic.statusCode(), badTopic.body());
        assertEquals("topic", Servers.json(badTopic).getString("field"), badTopic.body());
    }

    @Test
    void malformedJsonIsAProblemToo() {
        HttpResponse<String> response = Servers.post(http, "/api/notifications", "{not json", PUBLISHER);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
    }

    @Test
    void badSinceIsRefusedWith1008() {
        WsClient client = WsClient.connect(ws, "/ws/notifications?since=yesterday", user("jo"));
        assertEquals(1008, client.closeCode());
        assertFalse(client.closeReason().isBlank());
    }

    @Test
    void badCommandsGetErrorFramesAndTheStreamKeepsWorking() {
        String kim = user("kim");
        try (WsClient client = WsClient.notifications(ws, kim, 0)) {
            client.expect("replayed");
            client.send("{\"type\":\"subscribe\",\"topic\":\"bad topic\"}");
            assertEquals("invalid_field", client.expect("error").getString("code"));
            client.send("{\"type\":\"read\"}");
            assertEquals("missing_field", client.expect("error").getString("code"));
            publishTo(kim, "still streaming");
            assertEquals("still streaming", client.expect("notification").getString("title"));
        }
    }
}
