package io.switchboard.identity;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.Session;
import java.security.Principal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The default identity: the container's authenticated principal when there is one, otherwise the display name
 * the client chose in the {@code name} query parameter ({@code /ws/chat?name=alice}).
 */
@ApplicationScoped
public class HandshakeIdentityResolver implements IdentityResolver {

    /** Letters, digits, dot, dash and underscore, 1 to 32 characters. */
    public static final Pattern USER_NAME = Pattern.compile("[\\p{L}\\p{N}._-]{1,32}");

    @Override
    public Identity resolve(Session session) throws Refusal {
        Principal principal = session.getUserPrincipal();
        if (principal != null) {
            return new Identity(principal.getName(), principal.getName());
        }
        List<String> names = session.getRequestParameterMap().get("name");
        if (names == null || names.isEmpty() || names.get(0).isBlank()) {
            throw new Refusal("query parameter 'name' is required");
        }
        String name = names.get(0).trim();
        if (!USER_NAME.matcher(name).matches()) {
            throw new Refusal("name must be 1-32 letters, digits, '.', '-' or '_'");
        }
        return new Identity(name, name);
    }
}
