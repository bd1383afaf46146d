package io.incidenttracker.query.audit;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * Settings of the audit ledger, under {@code incident-query.audit}.
 *
 * @param origin             the first line of every checkpoint: the name of this log
 * @param checkpointInterval how often a checkpoint is signed when the ledger grew
 * @param checkpointTopic    the Kafka topic every checkpoint is published to (created when missing)
 * @param checkpointFile     the file every checkpoint is appended to, one JSON line each
 * @param maxExportEntries   the largest index range one export may cover
 * @param signing            where the Ed25519 signing key comes from
 */
@ConfigurationProperties("incident-query.audit")
public record AuditProperties(String origin, Duration checkpointInterval, String checkpointTopic,
                              String checkpointFile, Integer maxExportEntries, Signing signing) {

    public AuditProperties {
        origin = origin == null || origin.isBlank() ? "incident-tracker.example/audit" : origin;
        checkpointInterval = checkpointInterval == null ? Duration.ofSeconds(1) : checkpointInterval;
        checkpointTopic = checkpointTopic == null || checkpointTopic.isBlank() ? "incident-audit-checkpoints"
                : checkpointTopic;
        maxExportEntries = maxExportEntries == null ? 100_000 : maxExportEntries;
        signing = signing == null ? new Signing(null, null, null, null, null, false) : signing;
    }

    /**
     * The signing key, first match wins: a base64 PKCS#8 private key; a PKCS#12 keystore entry; a key file holding
     * a base64 PKCS#8 private key, generated when missing if {@code generateIfMissing} (local profile only).
     */
    public record Signing(String privateKey, String keystore, String keystorePassword, String keyAlias,
                          String keyFile, boolean generateIfMissing) {
    }
}
