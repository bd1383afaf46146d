package io.incidenttracker.audit.verify;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** Ed25519 with the JDK's own provider; public keys travel as the raw 32 bytes of RFC 8032. */
public final class Ed25519 {

    public static final String ALGORITHM = "Ed25519";

    /** DER prefix of an X.509 SubjectPublicKeyInfo for Ed25519 (RFC 8410); the raw key follows. */
    private static final byte[] X509_PREFIX = Hex.decode("302a300506032b6570032100");

    private Ed25519() {
    }

    public static PublicKey publicKeyFromRaw(byte[] raw) {
        if (raw == null || raw.length != 32) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
        }
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an Ed25519 public key", e);
        }
    }

    /** Accepts the raw 32-byte key or its X.509 SubjectPublicKeyInfo (44 bytes). */
    public static byte[] rawFromEncoded(byte[] encoded) {
        if (encoded.length == 32) {
            return encoded.clone();
        }
        if (encoded.length == X509_PREFIX.length + 32
                && Arrays.equals(Arrays.copyOf(encoded, X509_PREFIX.length), X509_PREFIX)) {
            return Arrays.copyOfRange(encoded, X509_PREFIX.length, encoded.length);
        }
        throw new IllegalArgumentException("not an Ed25519 public key (neither 32 raw bytes nor X.509)");
    }

    public static byte[] rawPublicKey(PublicKey key) {
        return rawFromEncoded(key.getEncoded());
    }

    public static PrivateKey privateKeyFromPkcs8(byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 Ed25519 private key", e);
        }
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is required of every Java 17 runtime", e);
        }
    }

    /**
     * The public key of a private key. The JDK offers no direct way, but its key pair generator turns 32 random
     * bytes into the private key; handing it the private key's own seed regenerates the pair.
     */
    public static PublicKey derivePublicKey(PrivateKey privateKey) {
        if (!(privateKey instanceof EdECPrivateKey edKey) || edKey.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key");
        }
        byte[] seed = edKey.getBytes().get();
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] message = "key check".getBytes();
            if (!verify(rawPublicKey(pair.getPublic()), message, sign(privateKey, message))) {
                throw new IllegalStateException("could not derive the public key of the signing key");
            }
            return pair.getPublic();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not derive the public key of the signing key", e);
        }
    }

    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(key);
            signature.update(message);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signatureBytes) {
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initVerify(publicKeyFromRaw(rawPublicKey));
            signature.update(message);
            return signatureBytes != null && signatureBytes.length == 64 && signature.verify(signatureBytes);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Hands out a fixed seed once; used only to regenerate a key pair from its seed. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("unexpected request for " + bytes.length + " random bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
