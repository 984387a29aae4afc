package io.switchboard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.probe.SendPathProbe;
import io.switchboard.websocket.Protocol;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Chat over real WebSocket connections against the WAR deployed on Payara Micro or WildFly. */
class ChatIT extends DeployedTest {

    private String room;

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war().addClass(SendPathProbe.class);
    }

    @BeforeEach
    void newRoom() {
        room = "room-" + tag;
    }

    @Test
    void twoUsersSeeEveryMessageInTheSameOrder() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            int each = 30; // within the default burst of 40 messages per connection (rate limit)
            CompletableFuture<Void> fromAlice = CompletableFuture.runAsync(() -> postMany(alice, "a", each));
            CompletableFuture<Void> fromBob = CompletableFuture.runAsync(() -> postMany(bob, "b", each));
            CompletableFuture.allOf(fromAlice, fromBob).join();

            List<String> seenByAlice = messages(alice, 2 * each);
            List<String> seenByBob = messages(bob, 2 * each);
            assertEquals(seenByAlice, seenByBob, "both members see the same messages in the same order");
            assertEquals(inSenderOrder(seenByAlice, "a"), numbered("a", each), "alice's messages keep her order");
            assertEquals(inSenderOrder(seenByAlice, "b"), numbered("b", each), "bob's messages keep his order");
        }
    }

    @Test
    void aThirdUserGetsHistoryAndMembersWhenJoining() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            alice.post(room, "first", "h-1-" + room);
            bob.post(room, "second", "h-2-" + room);
            try (WsClient carol = WsClient.chat(ws, "carol")) {
                JsonObject joined = carol.join(room);
                JsonArray history = joined.getJsonArray("history");
                assertEquals(
                        List.of("first", "second"),
                        history.getValuesAs(JsonObject.class).stream()
                                .map(m -> m.getString("text"))
                                .toList());
                assertEquals(
                        List.of("alice", "carol", "bob").stream().sorted().toList(),
                        strings(joined.getJsonArray("members")));
                JsonObject announced = alice.expect("presence", p -> "carol".equals(p.getString("user")));
                assertEquals("joined", announced.getString("event"));
            }
        }
    }

    @Test
    void aMessageStoredDuringMembershipIsDeliveredLiveWithIdAndTimestamp() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            JsonObject ack = alice.post(room, "hello bob", "live-" + room);
            JsonObject message = bob.expect("message");
            assertEquals("hello bob", message.getString("text"));
            assertEquals("alice", message.getString("from"));
            assertEquals(
                    ack.getJsonNumber("id").longValue(),
                    message.getJsonNumber("id").longValue());
            assertEquals(1, message.getJsonNumber("seq").longValue(), "the room's first message");
            assertEquals(1, ack.getJsonNumber("seq").longValue());
            assertEquals(ack.getString("ts"), message.getString("ts"));
            assertFalse(ack.getBoolean("duplicate"));
        }
    }

    @Test
    void aJoinWithSinceGetsOnlyTheMessagesAfterIt() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            for (int i = 1; i <= 3; i++) {
                assertEquals(
                        i,
                        alice.post(room, "m" + i, "since-" + i + "-" + room)
                                .getJsonNumber("seq")
                                .longValue());
            }
        }
        try (WsClient bob = WsClient.chat(ws, "bob")) {
            bob.send("{\"type\":\"join\",\"room\":\"" + room + "\",\"since\":1}");
            JsonObject joined = bob.expect("joined");
            assertEquals(
                    List.of("m2", "m3"),
                    joined.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                            .map(m -> m.getString("text"))
                            .toList());
            assertEquals(
                    List.of(2L, 3L),
                    joined.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                            .map(m -> m.getJsonNumber("seq").longValue())
                            .toList());
        }
    }

    @Test
    void presenceShrinksWhenAUsersOnlyConnectionCloses() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            WsClient bob = WsClient.chat(ws, "bob");
            bob.join(room);
            alice.expect("presence", p -> "bob".equals(p.getString("user")) && "joined".equals(p.getString("event")));
            bob.close();
            alice.expect("presence", p -> "bob".equals(p.getString("user")) && "left".equals(p.getString("event")));
            assertEquals(List.of("alice"), members());
        }
    }

    @Test
    void aUserWithTwoTabsCountsOnceAndLeavesWithTheLastTab() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            WsClient bobTab1 = WsClient.chat(ws, "bob");
            WsClient bobTab2 = WsClient.chat(ws, "bob");
            bobTab1.join(room);
            JsonObject second = bobTab2.join(room);
            assertEquals(List.of("alice", "bob"), strings(second.getJsonArray("members")));
            alice.expect("presence", p -> "bob".equals(p.getString("user")));
            bobTab1.close();
            assertTrue(alice.receivesNo("presence", Duration.ofSeconds(1)), "bob still has a tab open");
            assertEquals(List.of("alice", "bob"), members());
            bobTab2.close();
            alice.expect("presence", p -> "bob".equals(p.getString("user")) && "left".equals(p.getString("event")));
        }
    }

    @Test
    void presenceShrinksWhenAConnectionDropsWithoutACloseFrame() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            WsClient bob = WsClient.chat(ws, "bob");
            bob.join(room);
            bob.abort();
            alice.expect("presence", p -> "bob".equals(p.getString("user")) && "left".equals(p.getString("event")));
            assertEquals(List.of("alice"), members());
        }
    }

    @Test
    void theHeartbeatRemovesAClientThatStopsAnswering() throws Exception {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            try (SilentClient ghost = ghostJoins(alice)) {
                // the ghost never answers the server's pings: the heartbeat (3 s timeout in tests) must remove it
                alice.expect(
                        "presence", p -> "ghost".equals(p.getString("user")) && "left".equals(p.getString("event")));
                assertEquals(List.of("alice"), members());
            }
        }
    }

    @Test
    void aRefusedMessageCountsAsLifeForTheHeartbeat() throws Exception {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            try (SilentClient ghost = ghostJoins(alice)) {
                // it answers no ping, but sends a malformed message every 500 ms for 4 s, past the 3 s timeout of the
                // tests' heartbeat (8 strikes, fewer than the 10 that close a connection)
                ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
                AtomicInteger sent = new AtomicInteger();
                CompletableFuture<Void> done = new CompletableFuture<>();
                try {
                    talk.scheduleAtFixedRate(
                            () -> {
                                try {
                                    ghost.sendText("not json");
                                    if (sent.incrementAndGet() == 8) {
                                        done.complete(null);
                                    }
                                } catch (IOException e) {
                                    done.completeExceptionally(e);
                                }
                            },
                            500,
                            500,
                            TimeUnit.MILLISECONDS);
                    done.get(20, TimeUnit.SECONDS);
                } finally {
                    talk.shutdownNow();
                }
                assertTrue(members().contains("ghost"), "removed as silent while it was sending: " + members());
                // then silent: the heartbeat removes it
                alice.expect(
                        "presence", p -> "ghost".equals(p.getString("user")) && "left".equals(p.getString("event")));
            }
        }
    }

    @Test
    void eachServerSendsThroughItsFastPath() {
        // a Payara update that moved Grizzly's fields would fall back to Tyrus' raw frames silently, a WildFly update
        // that changed Undertow's WebSockets to the standard async remote: this notices
        String expected = "payara".equals(System.getProperty("switchboard.server"))
                ? "CoalescingSendQueue: pre-encoded frames to the Grizzly connection's write queue"
                : "PipelinedSendQueue: pre-encoded text to the Undertow channel (container queue), on the socket's I/O"
                        + " thread";
        try (WsClient alice = WsClient.connect(ws, "/ws/chat", "alice")) {
            String id = alice.expect("welcome").getString("connectionId");
            HttpResponse<String> path = Servers.get(http, "/api/test/send-path?connection=" + id);
            assertEquals(200, path.statusCode(), path.body());
            assertEquals(expected, path.body());
        }
    }

    @Test
    void aSilentClientIsPingedOneHeartbeatIntervalAfterItsLastFrame() {
        // the tests' heartbeat: a ping after 1 s of silence, checked every 250 ms (docs/protocol.md, Heartbeat)
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            for (int round = 0; round < 3; round++) {
                alice.send("{\"type\":\"ping\",\"ref\":\"r" + round + "\"}");
                long lastFrame = System.nanoTime();
                alice.expect("pong");
                long silence = Duration.ofNanos(alice.nextPingAfter(lastFrame) - lastFrame)
                        .toMillis();
                assertTrue(silence >= 1_000, "pinged after " + silence + " ms of silence, before the interval");
                assertTrue(
                        silence <= 1_250 + 1_500,
                        "pinged after " + silence + " ms (interval 1 s + sweep 250 ms + slack)");
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsClosedAsASlowConsumerWhileTheOthersGetEveryMessage() throws Exception {
        // Payara writes ~3.7 MB (the socket's send buffer) before anything waits in the send queue, so the queue limit
        // (512 frames here) is reached after ~1,450 posts. Each poster waits for its ack, so on a loaded machine (a
        // round trip of ~400 ms) posting is slow: enough posters to get there well within the time limits below.
        int posters = 24;
        String text = "x".repeat(3_950); // near the longest chat text (4,000): ~4 KB frames fill socket buffers quickly
        List<WsClient> writers = new ArrayList<>();
        ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
        try (WsClient alice = WsClient.chat(ws, "alice");
                SilentClient slow = new SilentClient(ws, "/ws/chat?ticket=" + Servers.ticket(ws, "slow"), 4_096)) {
            alice.join(room);
            slow.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            alice.expect("presence", p -> "slow".equals(p.getString("user")) && "joined".equals(p.getString("event")));
            // it keeps talking (typing), so the heartbeat never finds it silent: only the send queue limit can close it
            String typing = "{\"type\":\"typing\",\"room\":\"" + room + "\",\"active\":true}";
            talk.scheduleAtFixedRate(
                    () -> {
                        try {
                            slow.sendText(typing);
                        } catch (IOException e) {
                            // closed by the server: what the test waits for
                        }
                    },
                    0,
                    300,
                    TimeUnit.MILLISECONDS);
            for (int i = 0; i < posters; i++) {
                WsClient writer = WsClient.chat(ws, "poster-" + i);
                writer.join(room);
                writers.add(writer);
            }
            AtomicBoolean slowLeft = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            List<CompletableFuture<Integer>> posted = new ArrayList<>();
            for (int i = 0; i < posters; i++) {
                WsClient writer = writers.get(i);
                String name = "p" + i;
                posted.add(CompletableFuture.supplyAsync(() -> {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    int n = 0;
                    // a burst within the limit of 40 (the join took one), then about 14 a second (the limit is 20)
                    while (!slowLeft.get() && System.nanoTime() < deadline && n < 600) {
                        writer.post(room, name + ":" + n + ":" + text, name + "-" + n + "-" + room);
                        n++;
                        sent.incrementAndGet();
                        if (n >= 30) {
                            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(70));
                        }
                    }
                    return n;
                }));
            }
            // alice's frames stay unread here: she must get every message afterwards
            Awaitility.await("the slow client closed")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast(() -> posted.stream()
                            .filter(CompletableFuture::isCompletedExceptionally)
                            .forEach(CompletableFuture::join))
                    .until(() -> !members().contains("slow"));
            // it stops talking once closed: a frame sent to a socket the server has closed is answered with a TCP
            // reset, which would discard the close frame waiting in its receive buffer
            talk.shutdownNow();
            slowLeft.set(true);
            int total = posted.stream().mapToInt(CompletableFuture::join).sum();

            List<String> seen = messages(alice, total);
            for (int i = 0; i < posters; i++) {
                String prefix = "p" + i + ":";
                List<String> numbers = inSenderOrder(seen, prefix).stream()
                        .map(t -> t.substring(0, t.indexOf(':', prefix.length())))
                        .toList();
                assertEquals(
                        numbered(prefix, posted.get(i).join()),
                        numbers,
                        "alice got every message of poster " + i + ", in order");
            }
            talk.shutdownNow();
            int code = slow.readUntilClose(); // the slow client finally reads why it was closed
            if ("wildfly".equals(System.getProperty("switchboard.server"))) {
                // Undertow stops reading a connection once 50 of its outgoing frames wait, so the client's own
                // frames go unheard and the heartbeat (3 s here) may close it before the send queue limit does
                assertTrue(code == 4001 || code == 4000, "closed as a slow consumer or as silent, was " + code);
            } else {
                assertEquals(4001, code, "closed as a slow consumer");
            }
        } finally {
            talk.shutdownNow();
            writers.forEach(WsClient::close);
        }
    }

    @Test
    void typingIsRelayedToOthersButNeverStored() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            alice.send("{\"type\":\"typing\",\"room\":\"" + room + "\",\"active\":true}");
            JsonObject typing = bob.expect("typing");
            assertEquals("alice", typing.getString("user"));
            assertTrue(typing.getBoolean("active"));
            assertTrue(
                    alice.receivesNo("typing", Duration.ofMillis(500)), "the typist does not get their own indicator");
            assertEquals(0, history().getJsonArray("messages").size());
        }
    }

    @Test
    void aDirectMessageReachesOnlyItsAddressee() {
        try (WsClient alice = WsClient.chat(ws, "alice-" + room);
                WsClient bob = WsClient.chat(ws, "bob-" + room);
                WsClient carol = WsClient.chat(ws, "carol-" + room)) {
            alice.send("{\"type\":\"direct\",\"to\":\"bob-" + room + "\",\"text\":\"psst\",\"clientId\":\"dm-" + room
                    + "\"}");
            JsonObject ack = alice.expect("ack");
            JsonObject received = bob.expect("direct");
            assertEquals("psst", received.getString("text"));
            assertEquals("alice-" + room, received.getString("from"));
            assertEquals(
                    ack.getJsonNumber("id").longValue(),
                    received.getJsonNumber("id").longValue());
            assertTrue(carol.receivesNo("direct", Duration.ofSeconds(1)), "nobody else gets a direct message");
        }
    }

    @Test
    void aRetriedPostWithTheSameClientIdIsStoredAndDeliveredOnce() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            String clientId = "retry-" + room;
            JsonObject first = alice.post(room, "only once", clientId);
            JsonObject retry = alice.post(room, "only once", clientId);
            assertFalse(first.getBoolean("duplicate"));
            assertTrue(retry.getBoolean("duplicate"));
            assertEquals(
                    first.getJsonNumber("id").longValue(),
                    retry.getJsonNumber("id").longValue());
            bob.expect("message");
            assertTrue(bob.receivesNo("message", Duration.ofSeconds(1)), "the retry is not delivered again");
            assertEquals(1, history().getJsonArray("messages").size());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "not json at all|malformed_json",
                "[1,2,3]|malformed_json",
                "{\"room\":\"x\"}|missing_field",
                "{\"type\":\"dance\"}|unknown_type",
                "{\"type\":42}|invalid_field",
                "{\"type\":\"post\",\"room\":\"lobby\",\"clientId\":\"c1\"}|missing_field",
                "{\"type\":\"join\",\"room\":\"no spaces allowed\"}|invalid_field",
                "{\"type\":\"typing\",\"room\":\"lobby\",\"active\":\"maybe\"}|invalid_field",
                "{\"type\":\"post\",\"room\":\"never-joined\",\"text\":\"hi\",\"clientId\":\"c2\"}|not_joined",
                "{\"type\":\"leave\",\"room\":\"never-joined\"}|not_joined",
                "{\"type\":\"members\",\"room\":\"never-joined\"}|not_joined",
                "{\"type\":\"members\",\"room\":\"lobby\",\"limit\":0}|invalid_field",
                "{\"type\":\"ping\",\"ref\":\"tg\"} x|malformed_json",
                "{\"type\":\"history\",\"room\":\"lobby\",\"limit\":1.5}|invalid_field",
                "{\"type\":\"history\",\"room\":\"lobby\",\"limit\":1e400}|invalid_field",
            })
    void badInputGetsAnErrorFrameAndTheConnectionKeepsWorking(String input, String code) {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            alice.send(input);
            JsonObject error = alice.expect("error");
            assertEquals(code, error.getString("code"), error.toString());
            assertFalse(error.getString("message").isBlank());
            JsonObject ack = alice.post(room, "still here", "after-" + code + "-" + room);
            assertTrue(ack.getJsonNumber("id").longValue() > 0, "the connection still works after an error");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {"[|]", "{\"a\":|}", "{\"type\":\"ping\",\"ref\":|}"})
    void deeplyNestedJsonIsMalformedAndTheConnectionKeepsWorking(String open, String close) {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            alice.send(open.repeat(600) + "1" + close.repeat(600)); // within the tests' 16 KB text limit
            JsonObject error = alice.expect("error");
            assertEquals("malformed_json", error.getString("code"), error.toString());
            assertEquals("nested deeper than 32 levels", error.getString("message"));
            JsonObject ack = alice.post(room, "still here", "deep-" + room);
            assertTrue(ack.getJsonNumber("id").longValue() > 0, "the connection still works after the error");
        }
    }

    @Test
    void wrongNumbersNameTheFieldAndItsRule() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            alice.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"limit\":1e400}");
            assertEquals(
                    "field 'limit' must be a whole number and must be between 1 and 200",
                    alice.expect("error").getString("message"));
            alice.send("{\"type\":\"history\",\"room\":\"" + room + "\",\"limit\":1.5}");
            assertEquals(
                    "field 'limit' must be a whole number and must be between 1 and 200",
                    alice.expect("error").getString("message"));
        }
    }

    @Test
    void aPostWithAControlCharacterIsRefusedAsInvalidFieldAndTheConnectionKeepsWorking() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            String refused = "ctl-" + room;
            // an escaped BEL: valid JSON, but not text anyone should be shown
            alice.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"ring \\u0007 bell\",\"clientId\":\""
                    + refused + "\"}");
            JsonObject error = alice.expect("error");
            assertEquals("invalid_field", error.getString("code"), error.toString());
            assertEquals(refused, error.getString("ref"));
            assertEquals(
                    "field 'text' must not contain control characters except tab, LF and CR: found U+0007 at character 6",
                    error.getString("message"));

            String text = "emoji \ud83d\udc4b\ud83c\udffd, a new line\nand a\ttab";
            JsonObject ack = alice.post(room, text, "ok-" + room);
            JsonObject message = bob.expect("message");
            assertEquals(
                    text, message.getString("text"), "the refused post was never delivered; the next arrives intact");
            assertEquals(
                    ack.getJsonNumber("id").longValue(),
                    message.getJsonNumber("id").longValue());
            assertEquals(List.of(text), texts(history()));
        }
    }

    @Test
    void restParametersThatBreakTheirRulesGetProblemsNamingTheParameter() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
        }
        HttpResponse<String> badLimit =
                Servers.get(http, "/api/rooms/" + room + "/messages?limit=0", Credentials.bearer("alice"));
        assertEquals(400, badLimit.statusCode(), badLimit.body());
        assertTrue(
                badLimit.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                badLimit.headers().toString());
        assertEquals("limit", json(badLimit).asJsonObject().getString("field"), badLimit.body());
        assertEquals(
                "field 'limit' must be between 1 and 200",
                json(badLimit).asJsonObject().getString("detail"));

        for (String query :
                new String[] {"limit=abc", "limit=1%20OR%201=1", "limit=1.5", "before=1;DROP", "before=abc"}) {
            HttpResponse<String> bad =
                    Servers.get(http, "/api/rooms/" + room + "/messages?" + query, Credentials.bearer("alice"));
            assertEquals(400, bad.statusCode(), query + ": " + bad.body());
            assertEquals(
                    query.substring(0, query.indexOf('=')),
                    json(bad).asJsonObject().getString("field"),
                    bad.body());
        }

        HttpResponse<String> badRoom =
                Servers.get(http, "/api/rooms/-" + room + "/presence", Credentials.bearer("alice"));
        assertEquals(400, badRoom.statusCode(), badRoom.body());
        assertEquals("room", json(badRoom).asJsonObject().getString("field"), badRoom.body());
    }

    @Test
    void aClientThatKeepsSendingGarbageIsClosedWith1008AndItsMessagesStay() {
        try (WsClient alice = WsClient.chat(ws, "alice");
                WsClient bob = WsClient.chat(ws, "bob")) {
            alice.join(room);
            bob.join(room);
            alice.post(room, "accepted before the garbage", "kept-" + room);
            for (int i = 0; i < 20 && alice.isOpen(); i++) {
                alice.send("garbage " + i);
            }
            assertEquals(1008, alice.closeCode());
            JsonObject ping = bob.send("{\"type\":\"ping\",\"ref\":\"p\"}").expect("pong");
            assertEquals("p", ping.getString("ref"), "others are unaffected");
            assertEquals(
                    List.of("accepted before the garbage"),
                    history().getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                            .map(m -> m.getString("text"))
                            .toList());
        }
    }

    @Test
    void anOversizeMessageIsClosedWith1009() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            String text = "x".repeat(20_000); // tests run with a 16 KiB limit
            alice.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"" + text + "\",\"clientId\":\"big\"}");
            assertEquals(1009, alice.closeCode());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 2_000})
    void aBinaryFrameIsRefusedWith1003AndAReasonWhateverItsSize(int size) {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.sendBinary(new byte[size]);
            assertEquals(1003, alice.closeCode());
            assertTrue(alice.closeReason().contains("JSON"), alice.closeReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ws/chat", "/ws/notifications"})
    void aClientOfferingSwitchboardV1GetsItAndOneOfferingNoneStillWorks(String endpoint) {
        String ticket = "?ticket=";
        try (WsClient v1 = WsClient.open(
                        URI.create(ws + endpoint + ticket + Servers.ticket(http, "alice")),
                        null,
                        List.of("switchboard.v2", Protocol.V1));
                WsClient plain = WsClient.open(URI.create(ws + endpoint + ticket + Servers.ticket(http, "bob")))) {
            assertEquals(Protocol.V1, v1.subprotocol(), "the server picks the one it speaks");
            assertEquals("", plain.subprotocol(), "no subprotocol asked for, none chosen");
            assertEquals("alice", v1.expect("welcome").getString("user"));
            assertEquals("bob", plain.expect("welcome").getString("user"));
            v1.send("{\"type\":\"ping\",\"ref\":\"v1\"}").expect("pong", f -> "v1".equals(f.getString("ref", null)));
            plain.send("{\"type\":\"ping\",\"ref\":\"none\"}")
                    .expect("pong", f -> "none".equals(f.getString("ref", null)));
        }
    }

    @Test
    void aClientOfferingOnlyAnUnknownSubprotocolGetsNoneChosen() {
        try (WsClient v2 = WsClient.open(
                URI.create(ws + "/ws/chat?ticket=" + Servers.ticket(http, "alice")), null, List.of("switchboard.v2"))) {
            assertEquals("", v2.subprotocol(), "the server answers without Sec-WebSocket-Protocol");
            assertEquals("alice", v2.expect("welcome").getString("user"), "and speaks v1: the client must check");
        }
    }

    @Test
    void aConnectionWithoutACredentialIsClosedWith1008() {
        WsClient anonymous = WsClient.connect(ws, "/ws/chat", null);
        assertEquals(1008, anonymous.closeCode());
        assertTrue(anonymous.closeReason().contains("authentication required"), anonymous.closeReason());
    }

    @Test
    void restListsRoomsPagesHistoryAndShowsWhoIsOnline() {
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            for (int i = 1; i <= 5; i++) {
                alice.post(room, "m" + i, "page-" + i + "-" + room);
            }
            JsonArray rooms = json(Servers.get(http, "/api/rooms", Credentials.bearer("alice")))
                    .asJsonArray();
            JsonObject listed = rooms.getValuesAs(JsonObject.class).stream()
                    .filter(r -> room.equals(r.getString("name")))
                    .findFirst()
                    .orElseThrow();
            assertEquals(1, listed.getInt("online"));

            JsonObject newest = json(Servers.get(
                            http, "/api/rooms/" + room + "/messages?limit=2", Credentials.bearer("alice")))
                    .asJsonObject();
            assertEquals(List.of("m4", "m5"), texts(newest));
            assertTrue(newest.getBoolean("more"));
            long before = newest.getJsonArray("messages")
                    .getJsonObject(0)
                    .getJsonNumber("seq")
                    .longValue();
            JsonObject older = json(Servers.get(
                            http,
                            "/api/rooms/" + room + "/messages?limit=10&before=" + before,
                            Credentials.bearer("alice")))
                    .asJsonObject();
            assertEquals(List.of("m1", "m2", "m3"), texts(older));
            assertFalse(older.getBoolean("more"));

            assertEquals(List.of("alice"), members());
        }
    }

    @Test
    void badRestRequestsGetProblemResponses() {
        HttpResponse<String> badLimit =
                Servers.get(http, "/api/rooms/lobby/messages?limit=9999", Credentials.bearer("alice"));
        HttpResponse<String> unknownRoom =
                Servers.get(http, "/api/rooms/no-such-room-" + room + "/messages", Credentials.bearer("alice"));
        for (HttpResponse<String> response : List.of(badLimit, unknownRoom)) {
            assertTrue(
                    response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"),
                    response.headers().toString());
        }
        assertTrue(badLimit.statusCode() == 400 || badLimit.statusCode() == 404, badLimit.body());
        assertEquals(404, unknownRoom.statusCode());
        assertEquals(404, json(unknownRoom).asJsonObject().getInt("status"));
    }

    /** A client "ghost" that joins the room (seen by {@code alice}) and then answers no ping. */
    private SilentClient ghostJoins(WsClient alice) throws IOException {
        SilentClient ghost = new SilentClient(ws, "/ws/chat?ticket=" + Servers.ticket(ws, "ghost"));
        ghost.sendText("{\"type\":\"join\",\"room\":\"" + room + "\"}");
        alice.expect("presence", p -> "ghost".equals(p.getString("user")) && "joined".equals(p.getString("event")));
        return ghost;
    }

    private List<String> members() {
        return strings(json(Servers.get(http, "/api/rooms/" + room + "/presence", Credentials.bearer("alice")))
                .asJsonObject()
                .getJsonArray("members"));
    }

    private JsonObject history() {
        return json(Servers.get(http, "/api/rooms/" + room + "/messages", Credentials.bearer("alice")))
                .asJsonObject();
    }

    /**
     * The IT servers make rooms of more than 24 users large, with pages of 10 ({@code it.jvm.props} in the pom): the
     * 25th user's arrival reaches the others as one {@code occupancy} frame with the count, not as {@code presence};
     * their {@code joined} has the first page and a cursor, and {@code members} pages through everyone exactly once.
     */
    @Test
    void aRoomAboveTheThresholdGetsOccupancyCountsAndAPagedMemberList() {
        int threshold = 24;
        List<WsClient> crowd = new ArrayList<>();
        List<String> everyone = new ArrayList<>();
        try (WsClient alice = WsClient.chat(ws, "alice")) {
            alice.join(room);
            everyone.add("alice");
            for (int i = 1; i < threshold; i++) {
                String name = String.format("m%02d-%s", i, tag);
                WsClient member = WsClient.chat(ws, name);
                crowd.add(member);
                everyone.add(name);
                JsonObject joined = member.join(room);
                assertEquals(i + 1, joined.getInt("count"));
                assertFalse(joined.containsKey("next"), "a room of " + (i + 1) + " lists everyone");
            }
            String last = everyone.get(everyone.size() - 1);
            alice.expect("presence", p -> last.equals(p.getString("user")));

            String newcomer = "zz-" + tag;
            everyone.add(newcomer);
            try (WsClient zed = WsClient.chat(ws, newcomer)) {
                JsonObject joined = zed.join(room);
                assertEquals(threshold + 1, joined.getInt("count"));
                List<String> seen = new ArrayList<>(strings(joined.getJsonArray("members")));
                assertEquals(10, seen.size(), "the first page only");
                String next = joined.getString("next");
                int pages = 1;
                while (next != null) {
                    zed.send(
                            "{\"type\":\"members\",\"room\":\"" + room + "\",\"after\":\"" + next + "\",\"limit\":10}");
                    JsonObject page = zed.expect("members");
                    assertEquals(threshold + 1, page.getInt("count"));
                    seen.addAll(strings(page.getJsonArray("members")));
                    next = page.getString("next", null);
                    pages++;
                }
                assertEquals(3, pages, "25 members in pages of 10");
                assertEquals(everyone.stream().sorted().toList(), seen, "everyone once, in name order");

                JsonObject occupancy = nextOccupancyWithoutPresenceOf(alice, newcomer);
                assertEquals(threshold + 1, occupancy.getInt("count"));
                assertEquals(List.of(newcomer), strings(occupancy.getJsonArray("joined")));
                assertFalse(occupancy.getBoolean("truncated"));
            }
            JsonObject departure = nextOccupancyWithoutPresenceOf(alice, newcomer);
            assertEquals(threshold, departure.getInt("count"));
            assertEquals(List.of(newcomer), strings(departure.getJsonArray("left")));
        } finally {
            crowd.forEach(WsClient::close);
        }
    }

    /** The next {@code occupancy} frame; fails on a {@code presence} frame about {@code user} before it. */
    private static JsonObject nextOccupancyWithoutPresenceOf(WsClient client, String user) {
        while (true) {
            JsonObject frame = client.next();
            String type = frame.getString("type");
            assertFalse(
                    "presence".equals(type) && user.equals(frame.getString("user")),
                    "a large room announces no single arrival or departure: " + frame);
            if ("occupancy".equals(type)) {
                return frame;
            }
        }
    }

    private static JsonValue json(HttpResponse<String> response) {
        return Json.createReader(new StringReader(response.body())).readValue();
    }

    private static List<String> texts(JsonObject page) {
        return page.getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                .map(m -> m.getString("text"))
                .toList();
    }

    private static List<String> strings(JsonArray array) {
        return array.getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)
                .toList();
    }

    private void postMany(WsClient client, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            client.send(Json.createObjectBuilder()
                    .add("type", "post")
                    .add("room", room)
                    .add("text", prefix + i)
                    .add("clientId", prefix + "-" + i + "-" + room)
                    .build()
                    .toString());
        }
    }

    private static List<String> messages(WsClient client, int count) {
        List<String> texts = new ArrayList<>();
        long lastSeq = 0;
        while (texts.size() < count) {
            JsonObject message = client.expect("message");
            long seq = message.getJsonNumber("seq").longValue();
            assertTrue(lastSeq == 0 || seq == lastSeq + 1, "room sequence numbers follow each other: " + seq);
            lastSeq = seq;
            texts.add(message.getString("text"));
        }
        return texts;
    }

    private static List<String> inSenderOrder(List<String> texts, String prefix) {
        return texts.stream().filter(t -> t.startsWith(prefix)).toList();
    }

    private static List<String> numbered(String prefix, int count) {
        List<String> result = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            result.add(prefix + i);
        }
        return result;
    }
}
