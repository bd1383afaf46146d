package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Ed25519;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/** The Ed25519 key that signs checkpoints, and its raw public key. */
public final class AuditSigningKey {

    private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);

    private final PrivateKey privateKey;
    private final byte[] rawPublicKey;

    public AuditSigningKey(PrivateKey privateKey) {
        this.privateKey = privateKey;
        this.rawPublicKey = Ed25519.rawPublicKey(Ed25519.derivePublicKey(privateKey));
    }

    public byte[] sign(byte[] message) {
        return Ed25519.sign(privateKey, message);
    }

    public byte[] rawPublicKey() {
        return rawPublicKey.clone();
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(rawPublicKey);
    }

    /** Loads the key as configured; fails start-up with a clear message when there is none. */
    public static AuditSigningKey load(AuditProperties.Signing signing) {
        try {
            AuditSigningKey key;
            if (present(signing.privateKey())) {
                key = new AuditSigningKey(fromBase64(signing.privateKey()));
                log.info("Audit checkpoints are signed with the configured key; public key {}", key.publicKeyBase64());
            } else if (present(signing.keystore())) {
                key = fromKeystore(signing);
                log.info("Audit checkpoints are signed with key '{}' of keystore {}; public key {}",
                         signing.keyAlias(), signing.keystore(), key.publicKeyBase64());
            } else if (present(signing.keyFile())) {
                key = fromFile(Path.of(signing.keyFile()), signing.generateIfMissing());
            } else {
                throw new IllegalStateException("No audit signing key is configured: set INCIDENT_AUDIT_SIGNING_KEY "
                        + "(base64 PKCS#8 Ed25519 private key), INCIDENT_AUDIT_KEYSTORE or INCIDENT_AUDIT_KEY_FILE");
            }
            return key;
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("Cannot load the audit signing key: " + e.getMessage(), e);
        }
    }

    private static AuditSigningKey fromKeystore(AuditProperties.Signing signing)
            throws IOException, GeneralSecurityException {
        char[] password = signing.keystorePassword() == null ? new char[0] : signing.keystorePassword().toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(signing.keystore()))) {
            keyStore.load(in, password);
        }
        Key key = keyStore.getKey(signing.keyAlias(), password);
        if (!(key instanceof PrivateKey privateKey) || !Ed25519.ALGORITHM.equalsIgnoreCase(key.getAlgorithm())
                && !"EdDSA".equalsIgnoreCase(key.getAlgorithm())) {
            throw new IllegalArgumentException("keystore entry '" + signing.keyAlias() + "' is no Ed25519 private key");
        }
        return new AuditSigningKey(privateKey);
    }

    private static AuditSigningKey fromFile(Path file, boolean generate) throws IOException {
        if (Files.exists(file)) {
            AuditSigningKey key = new AuditSigningKey(fromBase64(Files.readString(file, StandardCharsets.US_ASCII)));
            log.info("Audit checkpoints are signed with the key in {}; public key {}", file, key.publicKeyBase64());
            return key;
        }
        if (!generate) {
            throw new IllegalArgumentException("key file " + file + " does not exist");
        }
        KeyPair pair = Ed25519.generate();
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        Files.writeString(file, Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded()) + "\n",
                          StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        AuditSigningKey key = new AuditSigningKey(pair.getPrivate());
        log.warn("Generated a new audit signing key in {} (local use only); public key {}", file,
                 key.publicKeyBase64());
        return key;
    }

    private static PrivateKey fromBase64(String base64) {
        return Ed25519.privateKeyFromPkcs8(Base64.getDecoder().decode(base64.replaceAll("\\s", "")));
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    /** For tests and tools: the public key as stated. */
    public PublicKey publicKey() {
        return Ed25519.publicKeyFromRaw(rawPublicKey);
    }
}
