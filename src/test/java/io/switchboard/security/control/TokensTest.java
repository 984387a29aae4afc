package io.switchboard.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.switchboard.config.MovableClock;
import io.switchboard.config.SwitchboardConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token verification as the server does it: signature, issuer, audience, expiry, revocation, roles. */
class TokensTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
    private static final List<String> KEYS = List.of(
            "switchboard.auth.jwt.secret",
            "switchboard.auth.jwt.public-key",
            "switchboard.auth.jwt.audience",
            "switchboard.auth.dev-login");

    private final MovableClock clock = new MovableClock();

    @AfterEach
    void clear() {
        KEYS.forEach(System::clearProperty);
    }

    @Test
    void aValidTokenGivesTheUserAndTheirRoles() throws Exception {
        Tokens tokens = tokens(SECRET, null);
        Credential credential =
                tokens.verify(hs256(SECRET, claims("alice", 3600).claim("groups", List.of("publisher"))));
        assertEquals("alice", credential.user());
        assertEquals(Set.of("publisher"), credential.roles());
        assertTrue(credential.expiresAt().isAfter(Instant.now()));
    }

    @Test
    void expiredForgedWrongIssuerAndGarbageAreRefusedWithAReason() throws Exception {
        Tokens tokens = tokens(SECRET, null);
        assertRefused(tokens, hs256(SECRET, claims("bob", -3600)), "token expired");
        assertRefused(
                tokens,
                hs256("another-secret-that-is-long-enough-for-hs256", claims("bob", 3600)),
                "invalid token signature");
        assertRefused(tokens, hs256(SECRET, claims("bob", 3600).issuer("someone-else")), "token rejected");
        assertRefused(tokens, hs256(SECRET, claims("not a name!", 3600)), "token subject is not a valid user name");
        assertRefused(tokens, "not.a.jwt", "malformed token");
    }

    @Test
    void aTokenIsRefusedAsExpiredOnceTheClockPassesItsExpiryAndSkew() throws Exception {
        Tokens tokens = tokens(SECRET, null);
        String token = hs256(SECRET, claims("fay", 10));
        assertEquals("fay", tokens.verify(token).user());
        clock.advance(Duration.ofSeconds(10 + 30 + 1)); // past the expiry and the allowed clock skew
        assertRefused(tokens, token, "token expired");
    }

    @Test
    void theAudienceIsCheckedWhenConfigured() throws Exception {
        System.setProperty("switchboard.auth.jwt.audience", "switchboard-prod");
        Tokens tokens = tokens(SECRET, null);
        assertRefused(tokens, hs256(SECRET, claims("carl", 3600).audience("other-app")), "token rejected");
        assertEquals(
                "carl",
                tokens.verify(hs256(SECRET, claims("carl", 3600).audience("switchboard-prod")))
                        .user());
    }

    @Test
    void tokensIssuedBeforeARevocationAreRefused() throws Exception {
        Tokens tokens = tokens(SECRET, null);
        String old = hs256(
                SECRET, claims("dora", 3600).issueTime(Date.from(Instant.now().minusSeconds(60))));
        tokens.revocations.revokedAt("dora", Instant.now().minusSeconds(30));
        assertRefused(tokens, old, "credential revoked");
        assertEquals(
                "dora",
                tokens.verify(hs256(SECRET, claims("dora", 3600))).user(),
                "signed in again after the revocation");
    }

    @Test
    void rs256TokensAreVerifiedWithAPemPublicKey(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair pair = generator.generateKeyPair();
        Path pem = dir.resolve("public.pem");
        Files.writeString(
                pem,
                "-----BEGIN PUBLIC KEY-----\n"
                        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(pair.getPublic().getEncoded())
                        + "\n-----END PUBLIC KEY-----\n");
        Tokens tokens = tokens(null, pem);
        assertEquals(
                "erin",
                tokens.verify(sign(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256, claims("erin", 3600)))
                        .user());
        assertRefused(
                tokens, hs256(SECRET, claims("erin", 3600)), "token rejected"); // an HS256 token cannot pass for RS256
    }

    private Tokens tokens(String secret, Path publicKey) {
        if (secret != null) {
            System.setProperty("switchboard.auth.jwt.secret", secret);
        }
        if (publicKey != null) {
            System.setProperty("switchboard.auth.jwt.public-key", publicKey.toString());
        }
        Tokens tokens = new Tokens();
        tokens.config = new SwitchboardConfig();
        tokens.clock = clock;
        tokens.revocations = new Revocations();
        tokens.revocations.clock = clock;
        tokens.revocations.mirror = RevocationMirror.NONE;
        tokens.revocations.store =
                new RevocationStore() { // none stored yet
                    @Override
                    public List<io.switchboard.security.entity.Revocation> all() {
                        return List.of();
                    }
                };
        tokens.init();
        return tokens;
    }

    private static void assertRefused(Tokens tokens, String token, String reason) {
        NotAuthenticated refused = assertThrows(NotAuthenticated.class, () -> tokens.verify(token));
        assertTrue(refused.getMessage().startsWith(reason), refused.getMessage());
    }

    private static JWTClaimsSet.Builder claims(String user, long expiresInSeconds) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(user)
                .issuer("switchboard")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(expiresInSeconds)));
    }

    private static String hs256(String secret, JWTClaimsSet.Builder claims) throws JOSEException {
        return sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    }

    private static String sign(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims)
            throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
