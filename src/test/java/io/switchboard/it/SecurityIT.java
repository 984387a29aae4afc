package io.switchboard.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.it.probe.ClockProbe;
import io.switchboard.it.probe.TestClock;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * Every refusal of the security model happens, with its documented status or close code, while a well-behaved
 * client on the same server keeps working.
 */
class SecurityIT extends DeployedTest {

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war().addClasses(TestClock.class, ClockProbe.class);
    }

    @Test
    void aSocketWithoutATicketOrWithAForgedOneIsClosedWith1008() {
        for (String path : List.of("/ws/chat", "/ws/notifications", "/ws/chat?ticket=made-up")) {
            WsClient refused = WsClient.open(URI.create(ws + path));
            assertEquals(1008, refused.closeCode(), path);
            assertFalse(refused.closeReason().isBlank(), path);
        }
        assertWellBehavedClientWorks();
    }

    @Test
    void aTicketWorksOnceAndOnlyBeforeItExpires() {
        String ann = user("ann");
        String ticket = Servers.ticket(ws, ann);
        try (WsClient first = WsClient.open(URI.create(ws + "/ws/chat?ticket=" + ticket))) {
            assertEquals(ann, first.expect("welcome").getString("user"));
            WsClient replay = WsClient.open(URI.create(ws + "/ws/chat?ticket=" + ticket));
            assertEquals(1008, replay.closeCode());
            assertTrue(replay.closeReason().contains("used"), replay.closeReason());
        }
        String stale = Servers.ticket(ws, ann);
        // tickets live 5 s on the test servers: the server's clock moves 6 s on instead of the test waiting
        assertEquals(
                204, Servers.put(http, "/api/test/clock?offsetSeconds=6", "").statusCode());
        try {
            WsClient late = WsClient.open(URI.create(ws + "/ws/chat?ticket=" + stale));
            assertEquals(1008, late.closeCode());
            assertTrue(late.closeReason().contains("expired"), late.closeReason());
        } finally {
            Servers.put(http, "/api/test/clock?offsetSeconds=0", "");
        }
    }

    @Test
    void restRefusesMissingExpiredAndForgedTokensWith401() {
        Instant now = Instant.now();
        String expired =
                Credentials.sign(Credentials.SECRET, user("old"), now.minusSeconds(7200), now.minusSeconds(3600));
        String forged = Credentials.sign(
                "another-secret-of-at-least-thirty-two-bytes", user("eve"), now, now.plusSeconds(3600));
        HttpResponse<String> none = Servers.post(http, "/api/auth/ticket", "");
        HttpResponse<String> late = Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer " + expired);
        HttpResponse<String> fake = Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer " + forged);
        HttpResponse<String> junk = Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer not.a.jwt");
        for (HttpResponse<String> response : List.of(none, late, fake, junk)) {
            assertEquals(401, response.statusCode(), response.body());
            assertTrue(
                    response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"),
                    response.headers().toString());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        }
        assertTrue(Servers.json(late).getString("detail").contains("expired"), late.body());
        assertTrue(Servers.json(fake).getString("detail").contains("signature"), fake.body());
        assertEquals(401, Servers.get(http, "/api/rooms").statusCode());
        assertWellBehavedClientWorks();
    }

    @Test
    void aWrongMethodOrAnUnknownPathIsAProblemWithTheSameWordingOnBothServers() {
        String[] bearer = Credentials.bearer(user("ida"));
        HttpResponse<String> wrongMethod = Servers.get(http, "/api/auth/ticket", bearer);
        assertEquals(405, wrongMethod.statusCode(), wrongMethod.body());
        assertTrue(
                wrongMethod.headers().firstValue("Allow").orElse("").contains("POST"),
                "a 405 says which methods are allowed: " + wrongMethod.headers());
        assertEquals("HTTP 405 Method Not Allowed", Servers.json(wrongMethod).getString("detail"));
        HttpResponse<String> unknown = Servers.get(http, "/api/no-such-resource", bearer);
        assertEquals(404, unknown.statusCode(), unknown.body());
        assertTrue(unknown.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertEquals("HTTP 404 Not Found", Servers.json(unknown).getString("detail"), "no runtime internals");
    }

    @Test
    void aConnectionIsClosedWith4002WhenItsTokenExpires() {
        String kai = user("kai");
        Instant now = Instant.now();
        String shortLived = Credentials.sign(Credentials.SECRET, kai, now, now.plusSeconds(60));
        HttpResponse<String> ticket =
                Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer " + shortLived);
        assertEquals(200, ticket.statusCode(), ticket.body());
        WsClient client = WsClient.open(
                URI.create(ws + "/ws/chat?ticket=" + Servers.json(ticket).getString("ticket")));
        client.expect("welcome");
        // the server's clock moves past the token's expiry instead of the test waiting for it
        assertEquals(
                204, Servers.put(http, "/api/test/clock?offsetSeconds=61", "").statusCode());
        try {
            assertEquals(4002, client.closeCode());
        } finally {
            Servers.put(http, "/api/test/clock?offsetSeconds=0", "");
        }
        assertWellBehavedClientWorks();
    }

    @Test
    void aHandshakeThatBreaksRfc6455IsRefusedWith400Or426AndNeverUpgraded() throws IOException {
        RawHandshake raw = new RawHandshake(ws);
        String key = "dGhlIHNhbXBsZSBub25jZQ==";
        for (String method : List.of("POST", "PUT")) {
            String head = raw.head(method, "/ws/chat", key, "13");
            assertEquals(400, RawHandshake.statusOf(head), method + ": " + head);
        }
        for (String badKey : new String[] {null, "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZSEh"}) {
            String head = raw.head("GET", "/ws/notifications", badKey, "13");
            assertEquals(400, RawHandshake.statusOf(head), "key " + badKey + ": " + head);
        }
        for (String version : new String[] {null, "8", "12"}) {
            String head = raw.head("GET", "/ws/chat", key, version);
            assertEquals(426, RawHandshake.statusOf(head), "version " + version + ": " + head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("sec-websocket-version: 13"), head);
        }
        // the same request made well-formed is upgraded (and then closed with 1008: it has no ticket)
        assertEquals(new RawHandshake.Answer(101, 1008), raw.refused("/ws/chat", null));
    }

    @Test
    void aForeignOriginIsRefusedWith403AtTheHandshake() {
        String ticket = Servers.ticket(ws, user("ola"));
        CompletionException refused = assertThrows(
                CompletionException.class,
                () -> HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .header("Origin", "https://evil.example")
                        .connectTimeout(WsClient.TIMEOUT)
                        .buildAsync(URI.create(ws + "/ws/chat?ticket=" + ticket), new WebSocket.Listener() {})
                        .orTimeout(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                        .join());
        WebSocketHandshakeException handshake = assertInstanceOf(WebSocketHandshakeException.class, refused.getCause());
        assertEquals(403, handshake.getResponse().statusCode());

        WebSocket sameSite = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Origin", "http://127.0.0.1:" + deployment.getPort())
                .connectTimeout(WsClient.TIMEOUT)
                .buildAsync(
                        URI.create(ws + "/ws/chat?ticket=" + Servers.ticket(ws, user("ola"))),
                        new WebSocket.Listener() {})
                .orTimeout(WsClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
        sameSite.abort();
    }

    @Test
    void aPublicRoomCreatedOverRestShowsNoOwner() {
        String creator = user("paula");
        String room = "square-" + tag;
        HttpResponse<String> created = Servers.post(
                http, "/api/rooms", "{\"name\":\"" + room + "\",\"privateRoom\":false}", Credentials.bearer(creator));
        assertEquals(201, created.statusCode(), created.body());
        assertFalse(
                Json.createReader(new StringReader(created.body())).readObject().containsKey("owner"), created.body());
        JsonObject members = Json.createReader(new StringReader(
                        Servers.get(http, "/api/rooms/" + room + "/members", Credentials.bearer(creator))
                                .body()))
                .readObject();
        assertEquals(room, members.getString("room"));
        assertFalse(members.containsKey("owner"), members.toString());
        assertTrue(members.getJsonArray("members").isEmpty(), members.toString());
    }

    @Test
    void privateRoomsAdmitOnlyTheirMembersAndReadersCannotPost() {
        String owner = user("olga");
        String member = user("max");
        String reader = user("rita");
        String outsider = user("otto");
        String room = "vault-" + tag;
        HttpResponse<String> created = Servers.post(
                http,
                "/api/rooms",
                "{\"name\":\"" + room + "\",\"privateRoom\":true,\"members\":[\"" + member + "\"]}",
                Credentials.bearer(owner));
        assertEquals(201, created.statusCode(), created.body());
        assertEquals(
                200,
                Servers.put(
                                http,
                                "/api/rooms/" + room + "/members/" + reader,
                                "{\"role\":\"reader\"}",
                                Credentials.bearer(owner))
                        .statusCode());
        assertEquals(
                403,
                Servers.put(
                                http,
                                "/api/rooms/" + room + "/members/" + outsider,
                                "{\"role\":\"member\"}",
                                Credentials.bearer(member))
                        .statusCode(),
                "only the owner manages members");

        try (WsClient olga = WsClient.chat(ws, owner);
                WsClient max = WsClient.chat(ws, member);
                WsClient rita = WsClient.chat(ws, reader);
                WsClient otto = WsClient.chat(ws, outsider)) {
            olga.join(room);
            max.join(room);
            rita.join(room);
            otto.send("{\"type\":\"join\",\"room\":\"" + room + "\"}");
            assertEquals("forbidden", otto.expect("error").getString("code"));

            max.post(room, "members only", "m1-" + tag);
            assertEquals("members only", rita.expect("message").getString("text"));
            rita.send(Json.createObjectBuilder()
                    .add("type", "post")
                    .add("room", room)
                    .add("text", "may I?")
                    .add("clientId", "r1-" + tag)
                    .build()
                    .toString());
            JsonObject refused = rita.expect("error");
            assertEquals("forbidden", refused.getString("code"));
            assertEquals("r1-" + tag, refused.getString("ref"));
            // a reader made a member may post at once, without joining again
            assertEquals(
                    200,
                    Servers.put(
                                    http,
                                    "/api/rooms/" + room + "/members/" + reader,
                                    "{\"role\":\"member\"}",
                                    Credentials.bearer(owner))
                            .statusCode());
            rita.post(room, "now I may", "r2-" + tag);
            assertEquals(
                    reader,
                    max.expect("message", f -> "now I may".equals(f.getString("text")))
                            .getString("from"));

            // history and the room itself are hidden from the outsider
            assertEquals(
                    403,
                    Servers.get(http, "/api/rooms/" + room + "/messages", Credentials.bearer(outsider))
                            .statusCode());
            assertEquals(
                    200,
                    Servers.get(http, "/api/rooms/" + room + "/messages", Credentials.bearer(reader))
                            .statusCode());
            assertFalse(Servers.get(http, "/api/rooms", Credentials.bearer(outsider))
                    .body()
                    .contains(room));
            assertTrue(Servers.get(http, "/api/rooms", Credentials.bearer(member))
                    .body()
                    .contains(room));

            // a member who is removed is taken out of the room at once
            assertEquals(
                    200,
                    Servers.delete(http, "/api/rooms/" + room + "/members/" + member, Credentials.bearer(owner))
                            .statusCode());
            assertEquals(room, max.expect("left").getString("room"));
            olga.expect("presence", p -> member.equals(p.getString("user")) && "left".equals(p.getString("event")));
            olga.post(room, "after max", "o1-" + tag);
            assertTrue(max.receivesNo("message", Duration.ofMillis(500)));
        }
    }

    @Test
    void aUserReadsOnlyTheirOwnInboxAndPublishingNeedsTheRole() {
        String pia = user("pia");
        String quinn = user("quinn");
        String body = "{\"user\":\"" + pia + "\",\"title\":\"for pia only\"}";
        assertEquals(401, Servers.post(http, "/api/notifications", body).statusCode());
        HttpResponse<String> noRole = Servers.post(http, "/api/notifications", body, Credentials.bearer(quinn));
        assertEquals(403, noRole.statusCode(), noRole.body());
        assertTrue(Servers.json(noRole).getString("detail").contains("publisher"), noRole.body());
        assertEquals(
                201,
                Servers.post(http, "/api/notifications", body, Credentials.bearer("ops", "publisher"))
                        .statusCode());

        assertEquals(
                403,
                Servers.get(http, "/api/users/" + pia + "/notifications", Credentials.bearer(quinn))
                        .statusCode());
        assertEquals(
                403,
                Servers.post(http, "/api/users/" + pia + "/notifications/read", "", Credentials.bearer(quinn))
                        .statusCode());
        assertEquals(
                401, Servers.get(http, "/api/users/" + pia + "/notifications").statusCode());
        HttpResponse<String> own = Servers.get(http, "/api/users/" + pia + "/notifications", Credentials.bearer(pia));
        assertEquals(200, own.statusCode(), own.body());
        assertEquals(1, Servers.json(own).getInt("unread"));
        // quinn's stream is quinn's: pia's notification never reaches it
        try (WsClient stream = WsClient.notifications(ws, quinn, 0)) {
            assertEquals(0, stream.expect("replayed").getInt("unread"));
            assertTrue(stream.receivesNo("notification", Duration.ofMillis(300)));
        }
    }

    @Test
    void aFloodingClientGetsRateLimitedThenClosedWith1008WhileOthersAreUnaffected() {
        String room = "flood-" + tag;
        try (WsClient flooder = WsClient.chat(ws, user("fred"));
                WsClient calm = WsClient.chat(ws, user("cleo"));
                WsClient peer = WsClient.chat(ws, user("pete"))) {
            flooder.join(room);
            calm.join(room);
            peer.join(room);
            for (int i = 0; i < 200 && flooder.isOpen(); i++) {
                flooder.send("{\"type\":\"ping\",\"ref\":\"p" + i + "\"}");
            }
            assertEquals("rate_limited", flooder.expect("error").getString("code"));
            assertEquals(1008, flooder.closeCode());
            calm.post(room, "still here", "c1-" + tag);
            assertEquals(
                    "still here",
                    peer.expect("message", m -> "still here".equals(m.getString("text")))
                            .getString("text"));
        }
    }

    @Test
    void aBurstOfPostsIsRateLimitedNamingEachDroppedPostThenClosedWith1008AndEveryAckedPostIsStored() {
        String room = "burst-" + tag;
        List<String> sent = new ArrayList<>();
        try (WsClient burst = WsClient.chat(ws, user("bea"))) {
            burst.join(room);
            for (int i = 0; i < 2_000 && burst.isOpen(); i++) {
                String clientId = "b" + i;
                try {
                    burst.send("{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"n" + i + "\",\"clientId\":\""
                            + clientId + "\"}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
                sent.add(clientId);
            }
            assertEquals(
                    1008, burst.closeCode(), "closed for flooding, not for overload (1013): " + burst.closeReason());
            assertTrue(burst.closeReason().contains("rate limit"), burst.closeReason());
            List<JsonObject> frames = burst.drain();
            List<String> acked = frames.stream()
                    .filter(f -> "ack".equals(f.getString("type")))
                    .map(f -> f.getString("clientId"))
                    .toList();
            List<JsonObject> limited = frames.stream()
                    .filter(f -> "error".equals(f.getString("type")))
                    .toList();
            assertFalse(acked.isEmpty(), "the posts within the burst allowance are accepted");
            assertFalse(limited.isEmpty(), "the rest are dropped with rate_limited errors");
            for (JsonObject error : limited) {
                assertEquals("rate_limited", error.getString("code"), error.toString());
                assertTrue(
                        sent.contains(error.getString("ref", null)) && !acked.contains(error.getString("ref")),
                        "each rate_limited error names the dropped post: " + error);
            }
            HttpResponse<String> history =
                    Servers.get(http, "/api/rooms/" + room + "/messages?limit=200", Credentials.bearer(user("bea")));
            assertEquals(
                    acked.stream().sorted().toList(),
                    Servers.json(history).getJsonArray("messages").getValuesAs(JsonObject.class).stream()
                            .map(m -> m.getString("clientId"))
                            .sorted()
                            .toList(),
                    "exactly the acknowledged posts are stored");
        }
    }

    @Test
    void aUsersConnectionsShareOneRateLimit() {
        String una = user("uma");
        List<WsClient> tabs = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                tabs.add(WsClient.chat(ws, una));
            }
            // 3 x 40 messages, sent by the tabs at once: each tab stays within its own burst of 40, together they
            // exceed the user's burst of 100
            CompletableFuture.allOf(tabs.stream()
                            .map(tab -> CompletableFuture.runAsync(() -> {
                                for (int i = 0; i < 40; i++) {
                                    tab.send("{\"type\":\"ping\",\"ref\":\"u" + i + "\"}");
                                }
                            }))
                            .toArray(CompletableFuture[]::new))
                    .join();
            long limited = tabs.stream()
                    .filter(tab -> !tab.receivesNo("error", Duration.ofMillis(1500)))
                    .count();
            assertTrue(limited > 0, "some of the user's messages were refused as rate_limited");
            assertTrue(tabs.stream().allMatch(WsClient::isOpen), "a burst is slowed down, not closed");
        } finally {
            tabs.forEach(WsClient::close);
        }
        assertWellBehavedClientWorks();
    }

    @Test
    void aNodeRefusesConnectionsBeyondItsLimitWith1013() {
        // the test servers accept 250 connections (switchboard.limits.connections in the build)
        List<WsClient> open = new ArrayList<>();
        int refusedWith = 0;
        try {
            for (int i = 0; i < 300 && refusedWith == 0; i++) {
                WsClient client = WsClient.connect(ws, "/ws/chat", user("n" + i));
                if (client.welcomed()) {
                    open.add(client);
                } else {
                    refusedWith = client.closeCode();
                }
            }
            assertEquals(1013, refusedWith, "refused once the node is full, after " + open.size() + " connections");
        } finally {
            open.forEach(WsClient::close);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (WsClient probe = WsClient.connect(ws, "/ws/chat", user("probe"))) {
                return probe.welcomed(); // the closed connections have left the node
            }
        });
        assertWellBehavedClientWorks();
    }

    @Test
    void aUserHasAtMostSixteenConnections() {
        String una = user("una");
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                open.add(WsClient.chat(ws, una));
            }
            WsClient extra = WsClient.connect(ws, "/ws/chat", una);
            assertEquals(1008, extra.closeCode());
            assertTrue(extra.closeReason().contains("too many connections"), extra.closeReason());
        } finally {
            open.forEach(WsClient::close);
        }
        assertWellBehavedClientWorks();
    }

    @Test
    void revokingAUserClosesTheirConnectionsWith4003AndRefusesTheirOldTokens() {
        String vic = user("vic");
        String oldToken = Credentials.token(vic);
        try (WsClient chat = WsClient.chat(ws, vic);
                WsClient inbox = WsClient.notifications(ws, vic, 0)) {
            assertEquals(
                    403,
                    Servers.post(http, "/api/auth/revocations/" + vic, "", Credentials.bearer(vic))
                            .statusCode());
            assertEquals(
                    204,
                    Servers.post(http, "/api/auth/revocations/" + vic, "", Credentials.bearer("root", "admin"))
                            .statusCode());
            assertEquals(4003, chat.closeCode());
            assertEquals(4003, inbox.closeCode());
        }
        HttpResponse<String> stale = Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer " + oldToken);
        assertEquals(401, stale.statusCode());
        assertTrue(Servers.json(stale).getString("detail").contains("revoked"), stale.body());
        // signing in again later works: a token issued after the revocation (whole seconds, so one issued a
        // couple of seconds on, as the identity provider would after a new sign-in) is accepted, without waiting
        Instant later = Instant.now().plusSeconds(2);
        String fresh = Credentials.sign(Credentials.SECRET, vic, later, later.plus(Duration.ofHours(1)));
        HttpResponse<String> again = Servers.post(http, "/api/auth/ticket", "", "Authorization", "Bearer " + fresh);
        assertEquals(200, again.statusCode(), again.body());
    }

    @Test
    void theDevelopmentLoginIssuesAWorkingToken() {
        HttpResponse<String> login = Servers.post(http, "/api/auth/dev-login", "{\"name\":\"" + user("dee") + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        String token = Servers.json(login).getString("token");
        HttpResponse<String> me = Servers.get(http, "/api/auth/me", "Authorization", "Bearer " + token);
        assertEquals(user("dee"), Servers.json(me).getString("user"));
        assertEquals(
                400,
                Servers.post(http, "/api/auth/dev-login", "{\"name\":\"no spaces\"}")
                        .statusCode());
    }

    /**
     * Refused and abandoned handshakes, many at once, leave the server's other requests alone: every concurrent,
     * valid REST call gets its own user's answer (Payara once answered some with a 500, an empty 200 or another
     * request's body while handshakes closed in {@code @OnOpen} were recycled under them).
     */
    @Test
    void refusedAndAbandonedHandshakesNeverDisturbConcurrentRequests() throws Exception {
        RawHandshake handshakes = new RawHandshake(ws);
        Instant until = Instant.now().plusSeconds(12);
        Queue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int first = i;
                running.add(threads.submit(() -> refuseUntil(handshakes, first, until, wrong, refused)));
                String me = user("me" + i);
                running.add(threads.submit(() -> askWhoIAmUntil(me, until, wrong, answered)));
            }
            for (Future<?> thread : running) {
                thread.get(until.getEpochSecond() - Instant.now().getEpochSecond() + 60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertTrue(
                wrong.isEmpty(),
                wrong.size() + " wrong answers (" + answered + " REST calls, " + refused + " handshakes), e.g. "
                        + wrong.stream().limit(5).toList());
        assertTrue(refused.get() >= 200, "only " + refused + " handshakes were refused or dropped");
        assertTrue(answered.get() >= 100, "only " + answered + " REST calls were answered");
        assertWellBehavedClientWorks();
    }

    /** Refuses (no ticket: 1008; a foreign origin: 403) or drops handshakes in turn until {@code until}. */
    private static void refuseUntil(
            RawHandshake handshakes, int first, Instant until, Queue<String> wrong, AtomicInteger count) {
        for (int i = first; Instant.now().isBefore(until); i++) {
            try {
                switch (i % 8) {
                    case 0, 1, 2, 3 ->
                        expect(handshakes.refused("/ws/chat", null), new RawHandshake.Answer(101, 1008), wrong);
                    case 4 ->
                        expect(
                                handshakes.refused("/ws/chat", "https://evil.example"),
                                new RawHandshake.Answer(403, -1),
                                wrong);
                    case 5 -> handshakes.dropAfterSending("/ws/chat", 60);
                    case 6 -> handshakes.dropAfterSending("/ws/chat", Integer.MAX_VALUE);
                    default -> handshakes.dropAfterResponse("/ws/chat");
                }
            } catch (java.io.IOException e) {
                if (i % 8 < 5) {
                    wrong.add("handshake " + i % 8 + ": " + e);
                }
            }
            count.incrementAndGet();
        }
    }

    private static void expect(RawHandshake.Answer answer, RawHandshake.Answer expected, Queue<String> wrong) {
        if (!answer.equals(expected)) {
            wrong.add("handshake: " + answer + " instead of " + expected);
        }
    }

    /** Asks {@code GET /api/auth/me} as {@code me} until {@code until}; anything but 200 and {@code me} is wrong. */
    private void askWhoIAmUntil(String me, Instant until, Queue<String> wrong, AtomicInteger count) {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(http + "/api/auth/me"))
                .timeout(WsClient.TIMEOUT)
                .header("Authorization", "Bearer " + Credentials.token(me))
                .GET()
                .build();
        while (Instant.now().isBefore(until)) {
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200
                        || !me.equals(Servers.json(response).getString("user", null))) {
                    wrong.add(me + ": " + response.statusCode() + " " + response.body());
                }
            } catch (java.io.IOException | RuntimeException e) {
                wrong.add(me + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            count.incrementAndGet();
        }
    }

    /** A client that plays by the rules still chats on the same server. */
    private void assertWellBehavedClientWorks() {
        String room = "calm-" + tag;
        try (WsClient a = WsClient.chat(ws, user("good"));
                WsClient b = WsClient.chat(ws, user("fine"))) {
            a.join(room);
            b.join(room);
            a.post(room, "all good", "g-" + tag + "-" + System.nanoTime());
            assertEquals("all good", b.expect("message").getString("text"));
        }
    }
}
