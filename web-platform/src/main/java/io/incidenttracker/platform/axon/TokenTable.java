package io.incidenttracker.platform.axon;

import org.axonframework.eventhandling.tokenstore.jdbc.TokenSchema;

/**
 * The tracking-token table as both services' Flyway migrations create it ({@code token_entry}, snake-case columns).
 * Axon's JDBC token store defaults to camel-case names, so each service declares this schema as a bean; the token
 * lives in the same database as what its processor writes, and commits with it.
 */
public final class TokenTable {

    private TokenTable() {
    }

    public static TokenSchema schema() {
        return TokenSchema.builder()
                .setTokenTable("token_entry")
                .setProcessorNameColumn("processor_name")
                .setSegmentColumn("segment")
                .setTokenColumn("token")
                .setTokenTypeColumn("token_type")
                .setTimestampColumn("timestamp")
                .setOwnerColumn("owner")
                .build();
    }
}
