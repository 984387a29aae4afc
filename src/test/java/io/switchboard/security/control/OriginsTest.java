package io.switchboard.security.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.config.SwitchboardConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The origin allow-list that guards WebSocket handshakes against cross-site hijacking. */
class OriginsTest {

    @AfterEach
    void clear() {
        System.clearProperty("switchboard.security.allowed-origins");
    }

    @Test
    void byDefaultOnlyLoopbackPagesMayConnect() {
        Origins origins = origins();
        assertTrue(origins.allowed("http://127.0.0.1:8080"));
        assertTrue(origins.allowed("http://localhost:3000"));
        assertTrue(origins.allowed("https://localhost"));
        assertFalse(origins.allowed("https://evil.example"));
        assertFalse(origins.allowed("http://127.0.0.1.evil.example:8080"));
        assertFalse(origins.allowed("null"));
    }

    @Test
    void aConfiguredListIsExactExceptForWildcardPorts() {
        System.setProperty("switchboard.security.allowed-origins", "https://chat.example.com, http://intranet:*");
        Origins origins = origins();
        assertTrue(origins.allowed("https://chat.example.com"));
        assertTrue(origins.allowed("HTTPS://CHAT.EXAMPLE.COM"));
        assertTrue(origins.allowed("http://intranet:8443"));
        assertFalse(origins.allowed("http://chat.example.com"));
        assertFalse(origins.allowed("https://chat.example.com.evil.example"));
        assertFalse(origins.allowed("http://intranet:8443/path"));
        assertFalse(origins.allowed("http://127.0.0.1:8080"));
    }

    private static Origins origins() {
        Origins origins = new Origins();
        origins.config = new SwitchboardConfig();
        return origins;
    }
}
