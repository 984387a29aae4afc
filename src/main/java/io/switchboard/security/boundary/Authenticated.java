package io.switchboard.security.boundary;

import io.switchboard.security.control.Credential;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The bearer credential of the current REST request, as {@link BearerAuthentication} verified it. JAX-RS hands
 * resources a proxy of the {@code SecurityContext}, so the token's expiry and roles travel here instead.
 */
@RequestScoped
public class Authenticated {

    private Credential credential;

    void set(Credential credential) {
        this.credential = credential;
    }

    public Optional<Credential> credential() {
        return Optional.ofNullable(credential);
    }
}
