package io.switchboard.security.boundary;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules of RFC 6455 §4.1/§4.2.1 for an opening handshake that the containers do not enforce themselves: the
 * request is a {@code GET}, {@code Sec-WebSocket-Version} is 13 and {@code Sec-WebSocket-Key} is 16 bytes in base64.
 * Tyrus (Payara) upgrades a {@code POST} and a malformed key; Undertow (WildFly) also upgrades the drafts' versions 7
 * and 8 and answers a missing key with 404. A request that asks for the upgrade and breaks one of them is answered
 * 400 (426 with {@code Sec-WebSocket-Version: 13} for the version, RFC 6455 §4.4) and never upgraded.
 */
final class MalformedHandshake {

    static final String SUPPORTED_VERSION = "13";

    /** How such a handshake is answered. */
    record Answer(int status, String title, String detail) {

        boolean versionRefused() {
            return status == 426;
        }
    }

    private MalformedHandshake() {}

    /** Whether the request asks for a WebSocket upgrade ({@code Upgrade} lists {@code websocket}). */
    static boolean asksForUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader("Upgrade");
        if (upgrade == null) {
            return false;
        }
        for (String protocol : upgrade.split(",")) {
            if (protocol.trim().toLowerCase(Locale.ROOT).equals("websocket")) {
                return true;
            }
        }
        return false;
    }

    /** What breaks the rules in a request that asks for the upgrade; empty when it keeps them or does not ask. */
    static Optional<Answer> of(HttpServletRequest request) {
        if (!asksForUpgrade(request)) {
            return Optional.empty();
        }
        if (!"GET".equals(request.getMethod())) {
            return Optional.of(new Answer(
                    400,
                    "Bad Request",
                    "a WebSocket handshake must be a GET request, not " + request.getMethod() + " (RFC 6455 §4.1)"));
        }
        String version = request.getHeader("Sec-WebSocket-Version");
        if (version == null || !version.trim().equals(SUPPORTED_VERSION)) {
            return Optional.of(new Answer(
                    426,
                    "Upgrade Required",
                    "Sec-WebSocket-Version must be " + SUPPORTED_VERSION
                            + (version == null ? "" : ", not " + version)));
        }
        if (!validKey(request.getHeader("Sec-WebSocket-Key"))) {
            return Optional.of(
                    new Answer(
                            400,
                            "Bad Request",
                            "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1), e.g. dGhlIHNhbXBsZSBub25jZQ=="));
        }
        return Optional.empty();
    }

    private static boolean validKey(String key) {
        if (key == null || key.trim().length() != 24) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
