package io.incidenttracker.events.incident;

/** How a system was cut off. Forensics differ: a machine shut down has lost its memory, a quarantined one has not. */
public enum IsolationMethod {
    /** Cut off from the network (quarantine VLAN, firewall rule, unplugged), still running. */
    NETWORK,
    /** Shut down or powered off. */
    SHUT_DOWN,
    /** Accounts and credentials of the system disabled, still connected. */
    ACCESS_REVOKED,
    /** Not recorded: the caller did not say, or the event predates revision 2 of {@link SystemIsolated}. */
    UNRECORDED
}
