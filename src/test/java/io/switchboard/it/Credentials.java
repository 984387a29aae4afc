package io.switchboard.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Signed tokens as an identity provider would issue them, with the test servers' shared secret
 * ({@code switchboard.auth.jwt.secret}, passed to both the servers and the tests by the build).
 */
final class Credentials {

    static final String SECRET =
            System.getProperty("switchboard.test.jwt.secret", "test-secret-of-at-least-thirty-two-bytes-long");

    private Credentials() {}

    /** A token for {@code user} with {@code roles}, valid for an hour. */
    static String token(String user, String... roles) {
        Instant now = Instant.now();
        return sign(SECRET, user, now, now.plus(Duration.ofHours(1)), roles);
    }

    /** {@code Authorization: Bearer …} for {@code user}, as name/value pairs for {@link Servers}. */
    static String[] bearer(String user, String... roles) {
        return new String[] {"Authorization", "Bearer " + token(user, roles)};
    }

    static String sign(String secret, String user, Instant issuedAt, Instant expiresAt, String... roles) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issuer("switchboard")
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .claim("groups", List.of(roles))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
