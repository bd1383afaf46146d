package io.incidenttracker.command.web;

import io.incidenttracker.platform.problem.FieldProblem;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.platform.web.CorrelationId;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What every command takes from its HTTP request besides the body: who sent it, its correlation id, the version
 * it expects, and the check that the times it states are not in the future.
 */
@Component
public class RequestContext {

    public static final String CORRELATION_HEADER = CorrelationId.HEADER;
    private static final Pattern IF_MATCH = Pattern.compile("^\"(0|[1-9][0-9]{0,17})\"$");

    private final Clock clock;
    private final Duration allowedClockSkew;

    public RequestContext(Clock clock,
                          @Value("${incidenttracker.commands.allowed-clock-skew:PT5M}") Duration allowedClockSkew) {
        this.clock = clock;
        this.allowedClockSkew = allowedClockSkew;
    }

    /** Metadata for the command: the authenticated principal and the correlation id, never values from the body. */
    public Map<String, Object> metaData(Authentication authentication, String correlationId) {
        Map<String, Object> metaData = new LinkedHashMap<>();
        metaData.put("actor", authentication.getName());
        metaData.put("correlationId", correlationId);
        return metaData;
    }

    /** The version from {@code If-Match: "<version>"}, or null when the header is absent. */
    public Long expectedVersion(String ifMatch) {
        if (ifMatch == null) {
            return null;
        }
        var matcher = IF_MATCH.matcher(ifMatch.trim());
        if (!matcher.matches()) {
            throw new InvalidRequest("If-Match", "must be a quoted version such as \"3\"");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** Refuses times that lie in the future beyond the allowed clock skew. */
    public void requireNotInFuture(Map<String, Instant> times) {
        Instant latest = clock.instant().plus(allowedClockSkew);
        List<FieldProblem> problems = new ArrayList<>();
        times.forEach((field, time) -> {
            if (time != null && time.isAfter(latest)) {
                problems.add(new FieldProblem(field, "must not lie in the future (allowed clock skew "
                        + allowedClockSkew + ")"));
            }
        });
        if (!problems.isEmpty()) {
            throw new InvalidRequest(problems);
        }
    }
}
