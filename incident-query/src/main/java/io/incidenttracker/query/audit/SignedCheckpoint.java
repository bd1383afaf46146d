package io.incidenttracker.query.audit;

import io.incidenttracker.audit.verify.Checkpoint;
import io.incidenttracker.audit.verify.Ed25519;
import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.Jcs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A checkpoint as stored and published: the signed text, its signature, the public key and when it was signed. */
public record SignedCheckpoint(long treeSize, byte[] rootHash, Instant signedAt, String checkpoint,
                               byte[] signature, byte[] publicKey) {

    public String rootHashHex() {
        return Hex.encode(rootHash);
    }

    public String signatureBase64() {
        return Base64.getEncoder().encodeToString(signature);
    }

    public String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    /** The signature holds for this text and key, and the text states this size and root. */
    public boolean verifiesWith(byte[] trustedPublicKey) {
        try {
            Checkpoint parsed = Checkpoint.parse(checkpoint);
            return parsed.treeSize() == treeSize && java.util.Arrays.equals(parsed.rootHash(), rootHash)
                    && Ed25519.verify(trustedPublicKey, checkpoint.getBytes(StandardCharsets.UTF_8), signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The JSON the API answers, the Kafka topic carries and the file holds (canonical form, one line). */
    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("treeSize", treeSize);
        json.put("rootHash", rootHashHex());
        json.put("signedAt", signedAt.toString());
        json.put("checkpoint", checkpoint);
        json.put("signature", signatureBase64());
        json.put("publicKey", publicKeyBase64());
        return Jcs.canonicalString(json);
    }
}
