package io.incidenttracker.command.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/** An identity provider for the tests: an RSA key made at test time, its public key as a PEM file, signed JWTs. */
public final class TestTokens {

    public static final String ISSUER = "https://login.incident-tracker.test/realms/responders";

    private final KeyPair keys = generate();
    private final Path publicKeyFile;

    public TestTokens() {
        try {
            publicKeyFile = Files.createTempFile("issuer-public-key", ".pem");
            publicKeyFile.toFile().deleteOnExit();
            Files.writeString(publicKeyFile, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The location to configure as the issuer's public key. */
    public String publicKeyLocation() {
        return publicKeyFile.toUri().toString();
    }

    /** A token of this issuer for the subject, valid for ten minutes, with the given further claims. */
    public String token(String subject, Map<String, Object> claims) {
        return sign(keys, ISSUER, subject, Instant.now().plus(Duration.ofMinutes(10)), claims);
    }

    public String expiredToken(String subject, Map<String, Object> claims) {
        return sign(keys, ISSUER, subject, Instant.now().minus(Duration.ofHours(1)), claims);
    }

    public String tokenOfAnotherIssuer(String subject, Map<String, Object> claims) {
        return sign(keys, "https://elsewhere.example", subject, Instant.now().plus(Duration.ofMinutes(10)), claims);
    }

    public String tokenSignedByAnotherKey(String subject, Map<String, Object> claims) {
        return sign(generate(), ISSUER, subject, Instant.now().plus(Duration.ofMinutes(10)), claims);
    }

    private static String sign(KeyPair keys, String issuer, String subject, Instant expiry, Map<String, Object> claims) {
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .issueTime(Date.from(expiry.minus(Duration.ofMinutes(10)))).expirationTime(Date.from(expiry));
        claims.forEach(set::claim);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), set.build());
        try {
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
