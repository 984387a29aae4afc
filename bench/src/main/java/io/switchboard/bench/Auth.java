package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How the benchmark's connections get past the server's authentication (docs/protocol.md, "Authentication"): every
 * user gets a bearer token, and every connection trades it for a one-time ticket right before it opens
 * {@code /ws/chat?ticket=…}, because a ticket is valid only once and only for {@code switchboard.auth.ticket-lifetime}
 * seconds (30 by default).
 *
 * <p>Tokens come from the server's development login ({@code POST /api/auth/dev-login}, which needs
 * {@code -Dswitchboard.auth.dev-login=true}), or, with {@code --jwt-secret}, are HS256 tokens signed here with the
 * secret the server verifies with ({@code switchboard.auth.jwt.secret}). Tickets always come from
 * {@code POST /api/auth/ticket}. Requests go to the host of {@code --url} only (a loopback address, checked before),
 * over HTTP/1.1, each with a timeout; the caller bounds how many are in flight.
 */
final class Auth {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern TOKEN = field("token");
    private static final Pattern TICKET = field("ticket");
    private static final Pattern EXPIRES_AT = field("expiresAt");
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    /** A bearer token and when it expires (null when the server did not say). */
    record Token(String value, Instant expiresAt) {}

    private final HttpClient http;
    private final URI devLogin;
    private final URI ticket;
    /** HS256 key when tokens are signed here, otherwise null (dev login). */
    private final SecretKeySpec key;

    private final String issuer;
    private final String audience;
    private final Duration tokenLifetime;

    /**
     * @param chat          the chat endpoint ({@code ws://127.0.0.1:8080[/context]/ws/chat}); the REST API is under
     *                      the same host and context root
     * @param secret        HS256 secret to sign tokens with, or empty to use the server's development login
     * @param tokenLifetime lifetime of tokens signed here: the run must end before they expire (close 4002)
     */
    Auth(URI chat, String secret, String issuer, String audience, Duration tokenLifetime, Executor executor) {
        String path = chat.getRawPath() == null ? "" : chat.getRawPath();
        int ws = path.lastIndexOf("/ws/");
        if (ws < 0) {
            throw new IllegalArgumentException("--url must be the chat endpoint (…/ws/chat), was: " + chat);
        }
        String scheme = "wss".equals(chat.getScheme()) ? "https" : "http";
        String api = scheme + "://" + chat.getRawAuthority() + path.substring(0, ws) + "/api/auth/";
        this.devLogin = URI.create(api + "dev-login");
        this.ticket = URI.create(api + "ticket");
        if (!secret.isEmpty() && secret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new IllegalArgumentException(
                    "--jwt-secret must be at least 32 bytes (the server refuses shorter HS256 secrets)");
        }
        this.key = secret.isEmpty() ? null : new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.issuer = issuer;
        this.audience = audience;
        this.tokenLifetime = tokenLifetime;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(REQUEST_TIMEOUT)
                .executor(executor)
                .build();
    }

    /** Where tokens come from, for the banner. */
    String describe() {
        return key != null
                ? "HS256 tokens signed with --jwt-secret (iss " + issuer + "), tickets from " + ticket
                : "tokens from " + devLogin + ", tickets from " + ticket;
    }

    /** A token for {@code user}: signed here, or from the development login. */
    CompletableFuture<Token> token(String user) {
        if (key != null) {
            return CompletableFuture.completedFuture(sign(user));
        }
        HttpRequest request = HttpRequest.newBuilder(devLogin)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + user + "\"}"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() == 404) {
                throw new IllegalStateException(
                        "POST " + devLogin + " answered 404: the server's development login is off;"
                                + " start it with -Dswitchboard.auth.dev-login=true or pass --jwt-secret=<its switchboard.auth.jwt.secret>");
            }
            String body = expectOk(response, "dev-login for " + user);
            return new Token(extract(TOKEN, body, "token"), instant(body));
        });
    }

    /** A fresh one-time ticket for the token's user; use it at once. */
    CompletableFuture<String> ticket(Token token) {
        HttpRequest request = HttpRequest.newBuilder(ticket)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token.value())
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> extract(TICKET, expectOk(response, "ticket"), "ticket"));
    }

    /** Signs in {@code user} and gets a ticket: what a member needs right before it connects. */
    CompletableFuture<String> ticketFor(String user) {
        return token(user).thenCompose(this::ticket);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** An HS256 JWT with the claims the server requires: sub, iss, iat, exp (and aud when configured). */
    Token sign(String user) {
        long now = Instant.now().getEpochSecond();
        long exp = now + tokenLifetime.toSeconds();
        String header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
        String claims = "{\"sub\":\"" + user + "\",\"iss\":\"" + issuer + "\""
                + (audience.isEmpty() ? "" : ",\"aud\":\"" + audience + "\"")
                + ",\"iat\":" + now + ",\"exp\":" + exp + ",\"groups\":[]}";
        String signingInput = BASE64URL.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + BASE64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return new Token(signingInput + "." + BASE64URL.encodeToString(signature), Instant.ofEpochSecond(exp));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign an HS256 token", e);
        }
    }

    private static String expectOk(HttpResponse<String> response, String what) {
        if (response.statusCode() != 200) {
            String body = response.body() == null ? "" : response.body().replaceAll("\\s+", " ");
            throw new IllegalStateException(
                    what + ": HTTP " + response.statusCode() + " " + body.substring(0, Math.min(body.length(), 300)));
        }
        return response.body();
    }

    private static String extract(Pattern pattern, String body, String name) {
        Matcher m = pattern.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException(
                    "no \"" + name + "\" in the server's answer: " + body.substring(0, Math.min(body.length(), 300)));
        }
        return m.group(1);
    }

    private static Instant instant(String body) {
        Matcher m = EXPIRES_AT.matcher(body);
        try {
            return m.find() ? Instant.parse(m.group(1)) : null;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** A JSON string member {@code "name":"value"}; tokens, tickets and instants never need escapes. */
    private static Pattern field(String name) {
        return Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"\\\\]*)\"");
    }
}
