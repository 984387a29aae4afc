package io.switchboard.it.probe;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.authentication.mechanism.http.BasicAuthenticationMechanismDefinition;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.util.Set;

/**
 * Test-only: what an enterprise application embedding Switchboard might configure with Jakarta Security, here HTTP
 * Basic with one user ({@code carol}/{@code s3cret}, role {@code publisher}). Added to the deployment by
 * ContainerLoginIT to show that Switchboard takes the container's principal on WebSockets and REST.
 */
@BasicAuthenticationMechanismDefinition(realmName = "switchboard-test")
@ApplicationScoped
public class BasicLoginProbe implements IdentityStore {

    @Override
    public CredentialValidationResult validate(Credential credential) {
        if (credential instanceof UsernamePasswordCredential login && login.compareTo("carol", "s3cret")) {
            return new CredentialValidationResult("carol", Set.of("publisher"));
        }
        return CredentialValidationResult.INVALID_RESULT;
    }
}
