package io.incidenttracker.query.webhook;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Encrypts the subscriptions' signing secrets at rest with AES-256-GCM: a fresh 12-byte nonce per secret, stored
 * before the ciphertext; the subscription id is the associated data, so that a secret copied to another row does not
 * decrypt. The key comes from the environment and never reaches the database.
 */
public final class SecretCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretCipher(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalStateException("No key to encrypt webhook secrets: set INCIDENT_WEBHOOK_SECRET_KEY "
                    + "(incident-query.webhooks.secret-key) to the base64 of 32 random bytes, for example the output "
                    + "of 'openssl rand -base64 32'.");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("incident-query.webhooks.secret-key is not base64", e);
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("incident-query.webhooks.secret-key must be 32 bytes (AES-256), it is "
                    + bytes.length);
        }
        this.key = new SecretKeySpec(bytes, "AES");
    }

    public byte[] encrypt(String secret, String associatedData) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot encrypt a webhook secret", e);
        }
    }

    public String decrypt(byte[] stored, String associatedData) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 0, NONCE_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(stored, NONCE_BYTES, stored.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot decrypt a webhook secret: is incident-query.webhooks.secret-key "
                    + "the key it was encrypted with?", e);
        }
    }
}
