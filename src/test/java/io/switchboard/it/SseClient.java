package io.switchboard.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A plain-HTTP client of the fallback transport: reads a {@code text/event-stream} response line by line on its own
 * thread (events, and comments such as {@code : ping}) and POSTs frames to the stream's token.
 */
final class SseClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** One event: its {@code event:} name ("message" when it has none), {@code id:} (may be null) and {@code data:}. */
    record Event(String name, String id, String data) {
        JsonObject json() {
            return Json.createReader(new StringReader(data)).readObject();
        }
    }

    private final URI base;
    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private volatile boolean ended;
    private String token;

    private SseClient(URI base, HttpResponse<InputStream> response) {
        this.base = base;
        this.response = response;
        if (response.statusCode() == 200) {
            Thread reader = new Thread(this::read, "sse-client");
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** GETs {@code path} of {@code base} (http://host:port/context) as an event stream; headers are name, value pairs. */
    static SseClient open(URI base, String path, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/event-stream")
                .GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            // a client of its own: a stream never reuses a kept-alive connection an earlier stream left behind
            HttpClient http = HttpClient.newHttpClient();
            return new SseClient(base, http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A chat stream of {@code user}, opened with a fresh ticket, its {@code stream} event read. */
    static SseClient chat(URI base, String user) {
        return opened(open(base, "/api/sse/chat?ticket=" + Servers.ticket(base, user)));
    }

    /** A notification stream of {@code user}, opened with a fresh ticket, its {@code stream} event read. */
    static SseClient notifications(URI base, String user, String... headers) {
        return opened(open(base, "/api/sse/notifications?ticket=" + Servers.ticket(base, user), headers));
    }

    private static SseClient opened(SseClient client) {
        if (client.status() != 200) {
            throw new AssertionError("stream refused: " + client.status() + " " + client.body());
        }
        client.token = client.expectEvent("stream").json().getString("stream");
        return client;
    }

    int status() {
        return response.statusCode();
    }

    HttpHeaders headers() {
        return response.headers();
    }

    /** The body of a refused stream (a problem). */
    String body() {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    String token() {
        return token;
    }

    /** POSTs one frame to this stream. */
    HttpResponse<String> post(String json, String... headers) {
        return Servers.post(base, "/api/sse/" + token, json, headers);
    }

    /** POSTs one body to this stream through another node ({@code node}: http://host:port/context). */
    HttpResponse<String> postVia(URI node, String json, String... headers) {
        return Servers.post(node, "/api/sse/" + token, json, headers);
    }

    /** The next event named {@code name}; other events before it are skipped. */
    Event expectEvent(String name) {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = poll(deadline);
            if (event == null) {
                break;
            }
            if (event.name().equals(name)) {
                return event;
            }
            skipped.add(event.toString());
        }
        throw new AssertionError(
                "no '" + name + "' event within " + TIMEOUT + "; got " + skipped + (ended ? "; the stream ended" : ""));
    }

    /** The next frame ({@code message} event) of this type; other events before it are skipped. */
    JsonObject expect(String type) {
        return expectFrame(type).json();
    }

    /** As {@link #expect}, as the event (with its id). */
    Event expectFrame(String type) {
        List<String> skipped = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            Event event = poll(deadline);
            if (event == null) {
                break;
            }
            if (event.name().equals("message") && type.equals(event.json().getString("type", null))) {
                return event;
            }
            skipped.add(event.toString());
        }
        throw new AssertionError(
                "no '" + type + "' frame within " + TIMEOUT + "; got " + skipped + (ended ? "; the stream ended" : ""));
    }

    /** The next comment line's text (without the colon), within the timeout. */
    String nextComment() {
        try {
            String comment = comments.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (comment == null) {
                throw new AssertionError("no comment within " + TIMEOUT);
            }
            return comment;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Whether the server ended the response (after its close event). */
    boolean ended() {
        return ended;
    }

    private Event poll(long deadline) {
        try {
            return events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void read() {
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String name = null;
            String id = null;
            StringBuilder data = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(name == null ? "message" : name, id, data.toString()));
                    }
                    name = null;
                    id = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    switch (field) {
                        case "event" -> name = value;
                        case "id" -> id = value;
                        case "data" ->
                            data = data == null
                                    ? new StringBuilder(value)
                                    : data.append('\n').append(value);
                        default -> {
                            // retry and unknown fields
                        }
                    }
                }
            }
        } catch (IOException e) {
            // closed by us
        } finally {
            ended = true;
        }
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // already closed
        }
    }
}
