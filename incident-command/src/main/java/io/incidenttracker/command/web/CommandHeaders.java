package io.incidenttracker.command.web;

import org.springframework.security.core.Authentication;

/**
 * What every command takes from its request besides the path and the body: the caller, the conditional version,
 * the Idempotency-Key and the correlation id. Resolved by {@link CommandHeadersResolver}; documented in the OpenAPI
 * document by {@link CommandHeadersResolver#documentHeaders()}.
 *
 * @param ifMatch        the raw {@code If-Match} header, or null
 * @param correlationId  the caller's well-formed {@code X-Correlation-Id}, or a new one
 * @param idempotencyKey the raw {@code Idempotency-Key} header, or null
 * @param authentication the authenticated caller
 * @param method         the HTTP method, part of what makes two keyed requests "the same"
 * @param path           the request path, likewise
 */
public record CommandHeaders(String ifMatch, String correlationId, String idempotencyKey,
                             Authentication authentication, String method, String path) {

    public static final String IF_MATCH = "If-Match";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /** The version from {@code If-Match: "<version>"}, or null without the header; a malformed one is a 400. */
    public Long expectedVersion(RequestContext context) {
        return context.expectedVersion(ifMatch);
    }
}
