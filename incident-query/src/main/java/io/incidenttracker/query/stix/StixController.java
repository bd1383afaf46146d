package io.incidenttracker.query.stix;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.incidenttracker.platform.problem.InvalidRequest;
import io.incidenttracker.query.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Locale;
import java.util.UUID;

/** The STIX 2.1 export of an incident, for sharing with a CERT. */
@RestController
@Tag(name = "Sharing", description = "An incident as a STIX 2.1 bundle")
public class StixController {

    public static final String STIX_JSON = "application/stix+json;version=2.1";

    private final StixExport export;

    public StixController(StixExport export) {
        this.export = export;
    }

    @GetMapping(path = "/api/incidents/{id}/stix", produces = {STIX_JSON, "application/json"})
    @Operation(operationId = "getIncidentStix", summary = "The incident as a STIX 2.1 bundle",
            description = "The reporting organisation (identity), the incident (with the incident core extension), "
                    + "an attack-pattern per ATT&CK technique, an indicator with a STIX pattern per recognised "
                    + "indicator of compromise (IPv4/IPv6 address, domain, URL, e-mail address, MD5/SHA-1/SHA-256/"
                    + "SHA-512 hash), a note with the indicators not recognised, the relationships between them, "
                    + "and the chosen TLP marking on every object. Ids stay the same across exports; modified "
                    + "advances as the incident changes. Always answered as application/stix+json;version=2.1 "
                    + "(also to a client that accepts only application/json).")
    @ApiResponse(responseCode = "200", description = "The bundle",
            content = @Content(mediaType = STIX_JSON, schema = @Schema(type = "object",
                    description = "A STIX 2.1 bundle: {type: \"bundle\", id, objects: [...]}")))
    @ApiResponse(responseCode = "404", description = "Unknown incident")
    public ResponseEntity<ObjectNode> stix(
            @Parameter(description = "Incident id (UUID)") @PathVariable UUID id,
            @Parameter(description = "TLP marking of every object: white, green, amber or red",
                    schema = @Schema(allowableValues = {"white", "green", "amber", "red"}, defaultValue = "amber"))
            @RequestParam(defaultValue = "amber") String tlp) {
        StixBundle.Tlp marking;
        try {
            marking = StixBundle.Tlp.valueOf(tlp.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest("tlp", "must be one of white, green, amber, red");
        }
        ObjectNode bundle = export.of(id, marking).orElseThrow(() -> new NotFoundException(
                "No incident " + id + " is known (yet: the history may lag a command by a moment)."));
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(STIX_JSON)).body(bundle);
    }
}
