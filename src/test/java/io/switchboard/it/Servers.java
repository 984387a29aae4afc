package io.switchboard.it;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR under test and addresses of the server it runs on. */
final class Servers {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Servers() {
    }

    /** The WAR exactly as the build packaged it. */
    static WebArchive war() {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** ws://127.0.0.1:port/context (the injected URL may name another host of this machine). */
    static URI ws(URL deployment) {
        return URI.create("ws://127.0.0.1:" + deployment.getPort() + path(deployment));
    }

    static URI http(URL deployment) {
        return URI.create("http://127.0.0.1:" + deployment.getPort() + path(deployment));
    }

    /** GETs a path; {@code headers} are name, value pairs (e.g. {@link Credentials#bearer}). */
    static HttpResponse<String> get(URI base, String path, String... headers) {
        return send(headers(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers));
    }

    /** A one-time WebSocket ticket for {@code user}, from {@code POST /api/auth/ticket} with a signed token. */
    static String ticket(URI base, String user) {
        URI http = URI.create(base.toString().replaceFirst("^ws", "http"));
        HttpResponse<String> response = post(http, "/api/auth/ticket", "", Credentials.bearer(user));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("no ticket for " + user + ": " + response.statusCode() + " " + response.body());
        }
        return json(response).getString("ticket");
    }

    /** POSTs a JSON body; {@code headers} are name, value pairs. */
    static HttpResponse<String> post(URI base, String path, String json, String... headers) {
        return send(headers(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), headers));
    }

    /** PUTs a JSON body (empty: none); {@code headers} are name, value pairs. */
    static HttpResponse<String> put(URI base, String path, String json, String... headers) {
        return send(headers(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)), headers));
    }

    static HttpResponse<String> delete(URI base, String path, String... headers) {
        return send(headers(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers));
    }

    private static HttpRequest.Builder headers(HttpRequest.Builder request, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    static jakarta.json.JsonObject json(HttpResponse<String> response) {
        return jakarta.json.Json.createReader(new java.io.StringReader(response.body())).readObject();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(WsClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String path(URL deployment) {
        String path = deployment.getPath();
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
