package io.switchboard.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;

/**
 * The fallback transport (Server-Sent Events + POST) with a plain HTTP client: the same frames as the WebSocket
 * endpoints, with WebSocket users on the other end.
 */
class SseIT extends DeployedTest {

    private static final String[] PUBLISHER = Credentials.bearer("ops", "publisher");

    @Deployment(testable = false)
    static WebArchive war() {
        return Servers.war();
    }

    @Test
    void anSseUserAndAWebSocketUserChatBothWays() {
        String room = "sse-" + tag;
        String alice = user("alice");
        try (SseClient sse = SseClient.chat(http, alice);
                WsClient bob = WsClient.chat(ws, user("bob"))) {
            assertTrue(sse.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
            assertTrue(sse.headers().firstValue("Cache-Control").orElse("").contains("no-cache"));
            assertEquals(Optional.of("no"), sse.headers().firstValue("X-Accel-Buffering"));
            assertTrue(sse.headers().firstValue("Content-Encoding").isEmpty());
            JsonObject welcome = sse.expect("welcome");
            assertEquals(alice, welcome.getString("user"));

            assertEquals(
                    202,
                    sse.post("{\"type\":\"join\",\"room\":\"" + room + "\"}").statusCode());
            sse.expect("joined");
            bob.join(room);
            bob.post(room, "hello from WebSocket", "b-1");
            JsonObject fromBob = sse.expect("message");
            assertEquals("hello from WebSocket", fromBob.getString("text"));
            assertEquals(user("bob"), fromBob.getString("from"));

            HttpResponse<String> posted = sse.post(
                    "{\"type\":\"post\",\"room\":\"" + room + "\",\"text\":\"hello from SSE\",\"clientId\":\"a-1\"}");
            assertEquals(202, posted.statusCode(), posted.body());
            JsonObject ack = sse.expect("ack");
            assertEquals("a-1", ack.getString("clientId"));
            JsonObject toBob = bob.expect("message", m -> "hello from SSE".equals(m.getString("text")));
            assertEquals(alice, toBob.getString("from"));
            assertEquals(
                    ack.getJsonNumber("id").longValue(),
                    toBob.getJsonNumber("id").longValue());
        }
    }

    @Test
    void notificationsResumeAfterTheLastEventIdWithNoGapAndNoDuplicate() {
        String carol = user("carol");
        for (int i = 1; i <= 3; i++) {
            publishTo(carol, "first " + i);
        }
        String lastId;
        try (SseClient first = SseClient.notifications(http, carol)) {
            List<Long> seqs = new ArrayList<>();
            String id = null;
            for (int i = 0; i < 3; i++) {
                SseClient.Event event = first.expectFrame("notification");
                long seq = event.json().getJsonNumber("seq").longValue();
                assertEquals(String.valueOf(seq), event.id(), "the event id is the notification's seq");
                seqs.add(seq);
                id = event.id();
            }
            assertEquals(List.of(1L, 2L, 3L), seqs);
            first.expect("replayed");
            lastId = id;
        }
        for (int i = 4; i <= 5; i++) {
            publishTo(carol, "missed " + i);
        }
        try (SseClient again = SseClient.notifications(http, carol, "Last-Event-ID", lastId)) {
            assertEquals(4, again.expectFrame("notification").json().getInt("seq"));
            assertEquals(5, again.expectFrame("notification").json().getInt("seq"));
            JsonObject replayed = again.expect("replayed");
            assertEquals(5, replayed.getInt("lastSeq"));
            publishTo(carol, "live 6");
            SseClient.Event live = again.expectFrame("notification");
            assertEquals("6", live.id());
            assertEquals("live 6", live.json().getString("title"));
        }
    }

    @Test
    void aBadFrameGetsItsErrorEventAndTheStreamGoesOn() {
        try (SseClient sse = SseClient.chat(http, user("dan"))) {
            sse.expect("welcome");
            assertEquals(202, sse.post("{\"type\":\"post\",\"room\":").statusCode());
            assertEquals("malformed_json", sse.expect("error").getString("code"));
            assertEquals(202, sse.post("{\"type\":\"dance\"}").statusCode());
            assertEquals("unknown_type", sse.expect("error").getString("code"));
            assertEquals(202, sse.post("{\"type\":\"ping\",\"ref\":\"p1\"}").statusCode());
            assertEquals("p1", sse.expect("pong").getString("ref"));
        }
    }

    @Test
    void aPostOfSeveralFramesIsHandledInOrderAndABadOneDoesNotStopTheOthers() {
        String room = "batch-" + tag;
        try (SseClient sse = SseClient.chat(http, user("bea"))) {
            sse.expect("welcome");
            HttpResponse<String> posted = sse.post("[{\"type\":\"join\",\"room\":\"" + room + "\"},"
                    + " {\"type\":\"dance\",\"ref\":\"d1\"},\n{\"type\":\"ping\",\"ref\":\"p2\"}]");
            assertEquals(202, posted.statusCode(), posted.body());
            assertEquals(room, sse.expect("joined").getString("room"));
            JsonObject refused = sse.expect("error");
            assertEquals("unknown_type", refused.getString("code"));
            assertEquals("d1", refused.getString("ref"));
            assertEquals("p2", sse.expect("pong").getString("ref"));

            String tooMany = "[" + "{\"type\":\"ping\",\"ref\":\"n\"},".repeat(32) + "{\"type\":\"ping\"}]";
            HttpResponse<String> refusedPost = sse.post(tooMany);
            assertEquals(400, refusedPost.statusCode(), refusedPost.body());
            assertEquals(202, sse.post("{\"type\":\"ping\",\"ref\":\"p3\"}").statusCode());
            assertEquals("p3", sse.expect("pong").getString("ref"), "none of the 33 was handled");
        }
    }

    @Test
    void aStreamNeedsACredentialAnAllowedOriginAndItsOwnToken() {
        SseClient anonymous = SseClient.open(http, "/api/sse/chat");
        assertEquals(401, anonymous.status(), anonymous.body());
        SseClient forged = SseClient.open(http, "/api/sse/notifications?ticket=forged");
        assertEquals(401, forged.status(), forged.body());
        String ticket = Servers.ticket(http, user("eve"));
        SseClient foreign = SseClient.open(http, "/api/sse/chat?ticket=" + ticket, "Origin", "https://evil.example");
        assertEquals(403, foreign.status(), foreign.body());

        assertEquals(
                404,
                Servers.post(http, "/api/sse/no-such-stream", "{\"type\":\"ping\"}")
                        .statusCode());
        try (SseClient fay = SseClient.chat(http, user("fay"))) {
            fay.expect("welcome");
            HttpResponse<String> asOther =
                    fay.post("{\"type\":\"ping\",\"ref\":\"x\"}", Credentials.bearer(user("gil")));
            assertEquals(403, asOther.statusCode(), asOther.body());
            assertEquals(
                    202,
                    fay.post("{\"type\":\"ping\",\"ref\":\"own\"}", Credentials.bearer(user("fay")))
                            .statusCode());
            assertEquals("own", fay.expect("pong").getString("ref"));
        }
    }

    @Test
    void aSilentStreamGetsPingComments() {
        try (SseClient sse = SseClient.chat(http, user("hal"))) {
            sse.expect("welcome");
            // the tests' heartbeat: a ping after 1 s of silence
            assertEquals("ping", sse.nextComment());
            assertEquals("ping", sse.nextComment());
        }
    }

    @Test
    void aFrameTooBigIsRefusedAndTheStreamEndsWithACloseEvent() {
        try (SseClient sse = SseClient.chat(http, user("ivy"))) {
            sse.expect("welcome");
            String big = "{\"type\":\"ping\",\"ref\":\"" + "x".repeat(20_000) + "\"}"; // tests: max-text 16384
            assertEquals(413, sse.post(big).statusCode());
            JsonObject close = sse.expectEvent("close").json();
            assertEquals(1009, close.getInt("code"));
            assertFalse(close.getString("reason").isEmpty());
        }
    }

    @Test
    void aUserMayOpenOnlySoManyStreams() {
        String jo = user("jo");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // switchboard.sse.streams-per-user, 4 by default
                open.add(SseClient.chat(http, jo));
            }
            SseClient fifth = SseClient.open(http, "/api/sse/chat?ticket=" + Servers.ticket(http, jo));
            assertEquals(429, fifth.status(), fifth.body());
        } finally {
            open.forEach(SseClient::close);
        }
    }

    @Test
    void aStreamThatIsNotReadIsClosedAsASlowConsumerWhileTheOthersCarryOn() throws Exception {
        String room = "slow-" + tag;
        String slow = user("slow");
        String text = "x".repeat(3_950); // ~4 KB frames fill the socket buffers quickly
        List<WsClient> posters = new ArrayList<>();
        ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket();
                WsClient alice = WsClient.chat(ws, user("alice"))) {
            socket.setReceiveBufferSize(4_096);
            socket.connect(new InetSocketAddress("127.0.0.1", http.getPort()), 15_000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream()
                    .write(("GET " + http.getPath() + "/api/sse/chat?ticket=" + Servers.ticket(http, slow)
                                    + " HTTP/1.1\r\nHost: 127.0.0.1:" + http.getPort()
                                    + "\r\nAccept: text/event-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String token = streamToken(socket.getInputStream()); // then it reads nothing more
            String join = "{\"type\":\"join\",\"room\":\"" + room + "\"}";
            assertEquals(202, Servers.post(http, "/api/sse/" + token, join).statusCode());
            alice.join(room);
            // it keeps talking (typing), so the heartbeat never finds it silent: only the send queue limit can close it
            String typing = "{\"type\":\"typing\",\"room\":\"" + room + "\",\"active\":true}";
            talk.scheduleAtFixedRate(() -> Servers.post(http, "/api/sse/" + token, typing), 0, 300, MILLISECONDS);
            // several MB fit in the socket buffers before the send queue fills; each poster waits for its ack, so on a
            // loaded machine (round trips of ~400 ms) it takes many posters to get there within the limits below
            for (int i = 0; i < 24; i++) {
                WsClient poster = WsClient.chat(ws, user("poster" + i));
                poster.join(room);
                posters.add(poster);
            }
            AtomicBoolean closed = new AtomicBoolean();
            List<CompletableFuture<Integer>> posted = new ArrayList<>();
            for (int i = 0; i < posters.size(); i++) {
                WsClient poster = posters.get(i);
                String name = "p" + i;
                posted.add(CompletableFuture.supplyAsync(() -> {
                    int n = 0;
                    long deadline = System.nanoTime() + SECONDS.toNanos(60);
                    while (!closed.get() && System.nanoTime() < deadline && n < 600) {
                        poster.post(room, name + ":" + n + ":" + text, name + "-" + n + "-" + room);
                        if (++n >= 30) {
                            LockSupport.parkNanos(MILLISECONDS.toNanos(70)); // within the rate limit
                        }
                    }
                    return n;
                }));
            }
            Awaitility.await("the stream that is not read is closed")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Servers.post(http, "/api/sse/" + token, "{\"type\":\"ping\"}")
                                    .statusCode()
                            == 404);
            talk.shutdownNow();
            closed.set(true);
            int total = posted.stream().mapToInt(CompletableFuture::join).sum();
            assertTrue(total > 0);
            alice.send("{\"type\":\"ping\",\"ref\":\"after\"}");
            alice.expect("pong", p -> "after".equals(p.getString("ref"))); // the others carry on
        } finally {
            talk.shutdownNow();
            posters.forEach(WsClient::close);
        }
    }

    /** Reads a raw event stream response until its {@code stream} event and returns the token. */
    private static String streamToken(InputStream in) throws IOException {
        StringBuilder seen = new StringBuilder();
        Matcher token = Pattern.compile("\"stream\":\"([^\"]+)\"").matcher("");
        for (int b = in.read(); b >= 0; b = in.read()) {
            seen.append((char) b);
            if (seen.length() > 40 && token.reset(seen).find()) {
                return token.group(1);
            }
        }
        throw new AssertionError("no stream event: " + seen);
    }

    private void publishTo(String user, String title) {
        String[] headers = Stream.of(PUBLISHER).toArray(String[]::new);
        HttpResponse<String> response = Servers.post(
                http,
                "/api/notifications",
                "{\"user\":\"" + user + "\",\"title\":\"" + title + "\",\"body\":\"b\"}",
                headers);
        assertEquals(201, response.statusCode(), response.body());
    }
}
