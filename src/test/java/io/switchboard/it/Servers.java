package io.switchboard.it;

import java.io.File;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The WAR under test and addresses of the server it runs on. */
final class Servers {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Servers() {}

    /** The WAR exactly as the build packaged it. */
    static WebArchive war() {
        File war = new File(System.getProperty("switchboard.war", "target/switchboard.war"));
        return ShrinkWrap.createFromZipFile(WebArchive.class, war);
    }

    /** ws://127.0.0.1:port/context (the injected URL may name another host of this machine). */
    static URI ws(URL deployment) {
        return URI.create("ws://127.0.0.1:" + deployment.getPort() + path(deployment));
    }

    /**
     * wss://127.0.0.1:port/context on the server's HTTPS listener: the port the build gave Payara
     * ({@code switchboard.https.port}), else WildFly's, whose socket bindings move together (https 8443, http 8080).
     */
    static URI wss(URL deployment) {
        String port = System.getProperty("switchboard.https.port");
        int https = port != null ? Integer.parseInt(port) : deployment.getPort() - 8080 + 8443;
        return URI.create("wss://127.0.0.1:" + https + path(deployment));
    }

    /** A TLS context that trusts the build's self-signed certificate (target/tls/switchboard.crt) and nothing else. */
    static SSLContext trustingTestCertificate() {
        try (InputStream pem = Files.newInputStream(
                Path.of(System.getProperty("switchboard.tls.cert", "target/tls/switchboard.crt")))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry(
                    "switchboard", CertificateFactory.getInstance("X.509").generateCertificate(pem));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            return tls;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
        return ticket(base, user, null);
    }

    /** As {@link #ticket(URI, String)}; a {@code wss://} base asks over https, trusting {@code tls}. */
    static String ticket(URI base, String user, SSLContext tls) {
        URI http = URI.create(base.toString().replaceFirst("^ws", "http"));
        HttpRequest.Builder request = headers(
                HttpRequest.newBuilder(URI.create(http + "/api/auth/ticket")).POST(HttpRequest.BodyPublishers.noBody()),
                Credentials.bearer(user));
        HttpResponse<String> response = tls == null
                ? send(request)
                : send(HttpClient.newBuilder().sslContext(tls).build(), request);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "no ticket for " + user + ": " + response.statusCode() + " " + response.body());
        }
        return json(response).getString("ticket");
    }

    /** POSTs a JSON body; {@code headers} are name, value pairs. */
    static HttpResponse<String> post(URI base, String path, String json, String... headers) {
        return send(headers(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                headers));
    }

    /** PUTs a JSON body (empty: none); {@code headers} are name, value pairs. */
    static HttpResponse<String> put(URI base, String path, String json, String... headers) {
        return send(headers(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .PUT(
                                json.isEmpty()
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(json)),
                headers));
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
        return jakarta.json.Json.createReader(new java.io.StringReader(response.body()))
                .readObject();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(HTTP, request);
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(WsClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
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
