package io.incidenttracker.events.incident;

/** The kind of attack detected. */
public enum AttackType {
    RANSOMWARE, MALWARE, INTRUSION, PHISHING, DDOS, DATA_EXFILTRATION, OTHER
}
