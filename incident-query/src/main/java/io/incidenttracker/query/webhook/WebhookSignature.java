package io.incidenttracker.query.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Standard Webhooks signing: a secret is {@code whsec_} and the base64 of random bytes, the HMAC-SHA256 key is the
 * decoded bytes, and {@code webhook-signature} is {@code v1,<base64 HMAC over "<id>.<timestamp>.<body>">}, several of
 * them separated by spaces while a rotation overlaps.
 */
public final class WebhookSignature {

    public static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A new secret: {@code whsec_} and the base64 of 32 random bytes. */
    public static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** One signature, {@code v1,<base64>}. */
    public static String sign(String secret, String messageId, long timestamp, String body) {
        if (!secret.startsWith(SECRET_PREFIX)) {
            throw new IllegalArgumentException("not a whsec_ secret");
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] digest = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header value: one signature per secret, space-separated. */
    public static String header(List<String> secrets, String messageId, long timestamp, String body) {
        return secrets.stream().map(secret -> sign(secret, messageId, timestamp, body))
                .collect(Collectors.joining(" "));
    }
}
