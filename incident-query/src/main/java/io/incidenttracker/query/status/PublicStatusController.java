package io.incidenttracker.query.status;

import io.incidenttracker.query.status.PublicStatusPage.Rendered;
import io.incidenttracker.query.web.PublicPaths;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.util.Arrays;

/**
 * The public status page, without credentials, in three formats. Served from {@link PublicStatusPage}'s rendered
 * snapshot: a strong ETag per format, {@code If-None-Match} answered {@code 304} without a body, and a short public
 * {@code Cache-Control} so that caches in front of the service take most of a crowd.
 */
@RestController
@Tag(name = "Public status", description = "The public status page: only what is explicitly public")
@SecurityRequirements
@ApiResponse(responseCode = "304", description = "Unchanged since the ETag given in If-None-Match", content = @Content)
@ApiResponse(responseCode = "406", description = "The Accept header rules out this format")
@ApiResponse(responseCode = "429", description = "The anonymous rate limit (per remote address)")
public class PublicStatusController {

    private static final MediaType ATOM = MediaType.parseMediaType("application/atom+xml;charset=utf-8");
    private static final MediaType HTML = MediaType.parseMediaType("text/html;charset=utf-8");

    private final PublicStatusPage page;
    private final PublicStatusProperties properties;

    public PublicStatusController(PublicStatusPage page, PublicStatusProperties properties) {
        this.page = page;
        this.properties = properties;
    }

    @GetMapping(path = PublicPaths.STATUS_SUMMARY, produces = "application/json")
    @Operation(operationId = "getPublicStatusSummary", summary = "The public status as JSON, without credentials",
            description = "The shape hosted status pages serve. Only the services configuration names public "
                    + "(incident-query.public-status.services, with their public names) and only PUBLIC status "
                    + "updates; an incident is named by the headline of its public updates. Strong ETag; "
                    + "If-None-Match with it answers 304.")
    @ApiResponse(responseCode = "200", description = "The public status",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = PublicSummary.class)))
    public ResponseEntity<byte[]> summary(@Parameter(hidden = true)
                                          @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false)
                                          String ifNoneMatch) {
        return answer(page.snapshot().json(), MediaType.APPLICATION_JSON, ifNoneMatch, null);
    }

    @GetMapping(path = PublicPaths.STATUS_PAGE, produces = "text/html")
    @Operation(operationId = "getPublicStatusPage", summary = "The public status page, without credentials",
            description = "Plain HTML that works without JavaScript: the same content as summary.json. Strong ETag.")
    @ApiResponse(responseCode = "200", description = "The page",
            content = @Content(mediaType = "text/html", schema = @Schema(type = "string")))
    public ResponseEntity<byte[]> html(@Parameter(hidden = true)
                                       @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false)
                                       String ifNoneMatch) {
        return answer(page.snapshot().html(), HTML, ifNoneMatch, StatusHtml.CSP);
    }

    @GetMapping(path = PublicPaths.STATUS_FEED, produces = "application/atom+xml")
    @Operation(operationId = "getPublicStatusFeed", summary = "The public updates as an Atom 1.0 feed",
            description = "Every PUBLIC update of the incidents on the page, newest first. Strong ETag.")
    @ApiResponse(responseCode = "200", description = "The feed",
            content = @Content(mediaType = "application/atom+xml", schema = @Schema(type = "string")))
    public ResponseEntity<byte[]> feed(@Parameter(hidden = true)
                                       @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false)
                                       String ifNoneMatch) {
        return answer(page.snapshot().atom(), ATOM, ifNoneMatch, null);
    }

    private ResponseEntity<byte[]> answer(Rendered rendered, MediaType type, String ifNoneMatch, String csp) {
        CacheControl cache = CacheControl.maxAge(properties.maxAge()).cachePublic();
        if (ifNoneMatch != null && Arrays.stream(ifNoneMatch.split(","))
                .map(String::strip).anyMatch(tag -> tag.equals(rendered.etag()) || tag.equals("*"))) {
            return ResponseEntity.status(HttpStatus.NOT_MODIFIED).eTag(rendered.etag()).cacheControl(cache).build();
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().eTag(rendered.etag()).cacheControl(cache)
                .contentType(type);
        if (csp != null) {
            answer.header("Content-Security-Policy", csp);
        }
        return answer.body(rendered.body());
    }
}
