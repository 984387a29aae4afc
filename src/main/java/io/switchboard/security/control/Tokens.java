package io.switchboard.security.control;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.protocol.Fields;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Verifies signed bearer tokens (JWT) with Nimbus JOSE+JWT: signature (HS256 with a shared secret, or RS/PS/ES with a
 * configured public key or JWK set), issuer, audience, expiry, and that the user was not revoked after the token was
 * issued. In development ({@code switchboard.auth.dev-login}) it also issues HS256 tokens, with a random per-boot
 * secret unless one is configured.
 */
@ApplicationScoped
public class Tokens {

    private static final Logger LOG = Logger.getLogger(Tokens.class.getName());
    private static final int CLOCK_SKEW_SECONDS = 30;
    private static final Set<JWSAlgorithm> PUBLIC_KEY_ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.PS384,
            JWSAlgorithm.PS512,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.ES512);

    @Inject
    Clock clock;

    @Inject
    SwitchboardConfig config;

    @Inject
    Revocations revocations;

    private DefaultJWTProcessor<SecurityContext> processor;
    private MACSigner signer;

    @PostConstruct
    void init() {
        processor = new DefaultJWTProcessor<>();
        byte[] secret = config.jwtSecret().getBytes(StandardCharsets.UTF_8);
        try {
            if (!config.jwtPublicKey().isEmpty()) {
                processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                        PUBLIC_KEY_ALGORITHMS, new ImmutableJWKSet<>(publicKeys(Path.of(config.jwtPublicKey())))));
            } else {
                if (secret.length == 0 && config.devLogin()) {
                    secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    LOG.warning("Dev login is on and no switchboard.auth.jwt.secret is set: tokens are signed with a "
                            + "random key of this boot. Never enable dev login in production.");
                } else if (secret.length == 0) {
                    LOG.warning("Neither switchboard.auth.jwt.secret nor switchboard.auth.jwt.public-key is set: "
                            + "no bearer token can be verified, only container logins are accepted.");
                } else if (secret.length < 32) {
                    throw new IllegalStateException("switchboard.auth.jwt.secret must be at least 32 bytes for HS256");
                }
                if (secret.length > 0) {
                    processor.setJWSKeySelector(
                            new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, new ImmutableSecret<>(secret)));
                    signer = new MACSigner(secret);
                }
            }
        } catch (JOSEException | IOException | GeneralSecurityException | ParseException e) {
            throw new IllegalStateException("Cannot set up token verification: " + e.getMessage(), e);
        }
        Set<String> required = Set.of("sub", "exp", "iat");
        DefaultJWTClaimsVerifier<SecurityContext> claims =
                new DefaultJWTClaimsVerifier<>(
                        config.jwtAudience().isEmpty() ? null : config.jwtAudience(),
                        new JWTClaimsSet.Builder().issuer(config.jwtIssuer()).build(),
                        required) {
                    @Override
                    protected Date currentTime() {
                        return Date.from(clock.instant()); // expiry by the application's clock
                    }
                };
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
    }

    /** @return the verified caller; throws {@link NotAuthenticated} saying what is wrong with the token */
    public Credential verify(String token) {
        if (processor.getJWSKeySelector() == null) {
            throw new NotAuthenticated("bearer tokens are not accepted by this server");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new NotAuthenticated("malformed token");
        } catch (BadJWSException e) {
            throw new NotAuthenticated("invalid token signature");
        } catch (BadJWTException e) {
            throw new NotAuthenticated(expired(token) ? "token expired" : "token rejected: " + e.getMessage());
        } catch (BadJOSEException | JOSEException e) {
            throw new NotAuthenticated("token rejected: " + e.getMessage());
        }
        String user = claims.getSubject();
        if (!Fields.USER_NAME.matcher(user).matches()) {
            throw new NotAuthenticated("token subject is not a valid user name");
        }
        Instant issuedAt = claims.getIssueTime().toInstant();
        if (revocations.revokedAfter(user, issuedAt)) {
            throw new NotAuthenticated("credential revoked");
        }
        return new Credential(
                user, roles(claims), issuedAt, claims.getExpirationTime().toInstant());
    }

    /** Whether this server can issue development tokens. */
    public boolean canIssue() {
        return signer != null;
    }

    /** Signs a development token for a user (dev login only). */
    public String issue(String user, Set<String> roles, Instant expiresAt) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(user)
                .issuer(config.jwtIssuer())
                .issueTime(Date.from(clock.instant()))
                .expirationTime(Date.from(expiresAt))
                .claim(config.rolesClaim(), List.copyOf(roles));
        if (!config.jwtAudience().isEmpty()) {
            claims.audience(config.jwtAudience());
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign a token", e);
        }
        return jwt.serialize();
    }

    private Set<String> roles(JWTClaimsSet claims) {
        Object value = claims.getClaim(config.rolesClaim());
        Set<String> roles = new HashSet<>();
        if (value instanceof List<?> list) {
            list.forEach(role -> roles.add(String.valueOf(role)));
        } else if (value instanceof String text) {
            roles.addAll(List.of(text.trim().split("\\s+")));
        }
        return roles;
    }

    private boolean expired(String token) {
        try {
            Date exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
            return exp != null
                    && exp.toInstant().plusSeconds(CLOCK_SKEW_SECONDS).isBefore(clock.instant());
        } catch (ParseException e) {
            return false;
        }
    }

    /** A PEM public key ("-----BEGIN PUBLIC KEY-----", RSA or EC) or a JWK set (JSON). */
    private static JWKSet publicKeys(Path file) throws IOException, GeneralSecurityException, ParseException {
        String text = Files.readString(file).trim();
        if (text.startsWith("{")) {
            return JWKSet.parse(text);
        }
        byte[] der = Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", ""));
        X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
        PublicKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            key = KeyFactory.getInstance("EC").generatePublic(spec);
        }
        LOG.log(Level.INFO, "Verifying tokens with the {0} public key in {1}", new Object[] {key.getAlgorithm(), file});
        if (key instanceof RSAPublicKey rsa) {
            return new JWKSet(new RSAKey.Builder(rsa).build());
        }
        ECPublicKey ec = (ECPublicKey) key;
        return new JWKSet(new ECKey.Builder(Curve.forECParameterSpec(ec.getParams()), ec).build());
    }
}
