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
        try (InputStream pem = Files.newInputStream(Path.of(System.getProperty("switchboard.tls.cert", "target/tls/switchboard.crt")))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            trusted.setCertificateEntry("switchboard", CertificateFactory.getInstance("X.509").generateCertificate(pem));
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

    static HttpResponse<String> get(URI base, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** POSTs a JSON body; {@code headers} are name, value pairs. */
    static HttpResponse<String> post(URI base, String path, String json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    static HttpResponse<String> put(URI base, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.noBody()));
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
