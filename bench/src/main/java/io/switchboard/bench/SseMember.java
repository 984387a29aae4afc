package io.switchboard.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A member on the fallback transport ({@code --transport=sse}): the chat stream ({@code GET /api/sse/chat?ticket=},
 * {@code text/event-stream}) carries the same frames a WebSocket would, and its {@code join} is POSTed to the stream's
 * token ({@code POST /api/sse/TOKEN}). Frames are counted and timed exactly like a WebSocket member's.
 */
final class SseMember extends FanOutBench.Member implements Flow.Subscriber<String> {

    private final HttpClient client;
    /** {@code http://host:port/CONTEXT/api/sse/}. */
    private final URI base;

    private volatile Flow.Subscription subscription;
    /** The current event's name ({@code stream}, {@code close}), or null for a frame; touched by one thread at a time. */
    private String event;

    private volatile String stream;

    SseMember(String name, FanOutBench.Run run, HttpClient client, URI base) {
        super(name, run, true);
        this.client = client;
        this.base = base;
    }

    /** The fallback's base address for a chat WebSocket address {@code ws://host:port/CONTEXT/ws/chat}. */
    static URI base(URI chat) {
        String path = chat.getRawPath();
        String context = path.endsWith("/ws/chat") ? path.substring(0, path.length() - "/ws/chat".length()) : "";
        String scheme = "wss".equals(chat.getScheme()) ? "https" : "http";
        return URI.create(scheme + "://" + chat.getHost() + ":" + chat.getPort() + context + "/api/sse/");
    }

    /** Opens the stream with a one-time ticket; {@code welcome}, the POSTed {@code join} and {@code joined} follow. */
    void connect(String ticket) {
        HttpRequest request = HttpRequest.newBuilder(
                        base.resolve("chat?ticket=" + URLEncoder.encode(ticket, StandardCharsets.UTF_8)))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        client.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(this))
                .whenComplete((response, error) -> {
                    if (error != null) {
                        gone("failed: " + error, error);
                    } else if (response.statusCode() != 200) {
                        gone("refused: HTTP " + response.statusCode(), null);
                    }
                });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        stage = "waiting for welcome";
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        long received = FanOutBench.now();
        if (line.isEmpty()) {
            event = null;
        } else if (line.startsWith("event:")) {
            event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
            String data = line.substring(line.startsWith("data: ") ? 6 : 5);
            if ("stream".equals(event)) {
                int at = data.indexOf("\"stream\":\"");
                if (at >= 0) {
                    int from = at + "\"stream\":\"".length();
                    stream = data.substring(from, data.indexOf('"', from));
                }
            } else if ("close".equals(event)) {
                gone("closed by the server: " + data, null);
            } else {
                frame(null, data, received);
            }
        }
    }

    @Override
    CompletableFuture<?> sendJoin(WebSocket unused) {
        String token = stream;
        if (token == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("welcome came before the stream token"));
        }
        HttpRequest post = HttpRequest.newBuilder(base.resolve(token))
                .version(HttpClient.Version.HTTP_1_1)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(run.joinFrame))
                .build();
        return client.sendAsync(post, HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
            if (response.statusCode() != 202) {
                throw new IllegalStateException("join POST answered " + response.statusCode());
            }
        });
    }

    @Override
    public void onError(Throwable error) {
        gone("failed: " + error, error);
    }

    @Override
    public void onComplete() {
        gone("stream ended", null);
    }

    @Override
    boolean connected() {
        return subscription != null;
    }

    @Override
    boolean open() {
        return subscription != null && !closed;
    }

    /** Ends the stream (the server notices at its next write). */
    void closeStream() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        closed = true;
    }
}
