package io.switchboard.security.control;

import io.switchboard.config.SwitchboardConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;

/**
 * The origin allow-list. Entries are origins ({@code https://chat.example.com}); {@code :*} at the end allows any
 * port of that scheme and host; a lone {@code *} allows every origin (not for production).
 */
@ApplicationScoped
public class Origins {

    @Inject
    SwitchboardConfig config;

    public boolean allowed(String origin) {
        String candidate = origin.trim().toLowerCase(Locale.ROOT);
        for (String entry : config.allowedOrigins()) {
            String allowed = entry.toLowerCase(Locale.ROOT);
            if (allowed.equals("*") || allowed.equals(candidate)) {
                return true;
            }
            if (allowed.endsWith(":*")) {
                String prefix = allowed.substring(0, allowed.length() - 1);
                if (candidate.startsWith(prefix)
                        && candidate.substring(prefix.length()).matches("[0-9]{1,5}")) {
                    return true;
                }
                if (candidate.equals(allowed.substring(0, allowed.length() - 2))) {
                    return true; // default port
                }
            }
        }
        return false;
    }
}
