package io.incidenttracker.query.audit;

import io.incidenttracker.platform.problem.FieldProblem;
import io.incidenttracker.platform.problem.Problems;
import io.incidenttracker.query.audit.AuditViews.AuditEntry;
import io.incidenttracker.query.audit.AuditViews.CheckpointMismatchView;
import io.incidenttracker.query.audit.AuditViews.CheckpointView;
import io.incidenttracker.query.audit.AuditViews.ConsistencyProof;
import io.incidenttracker.query.audit.AuditViews.InclusionProof;
import io.incidenttracker.query.audit.AuditViews.Verification;
import io.incidenttracker.audit.verify.Hex;
import io.incidenttracker.audit.verify.Merkle;
import io.incidenttracker.query.web.NotFoundException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import java.net.URI;
import java.util.List;
import java.util.UUID;

@RestController
@RequestMapping(path = "/api/audit", produces = "application/json")
@Tag(name = "Audit", description = "The verifiable audit ledger: entries, signed checkpoints, proofs, exports")
public class AuditController {

    static final String NDJSON = "application/x-ndjson";

    private final AuditLedger ledger;
    private final LedgerTree tree;
    private final CheckpointService checkpoints;
    private final LedgerVerifier verifier;
    private final AuditExporter exporter;
    private final int maxExportEntries;

    public AuditController(AuditLedger ledger, LedgerTree tree, CheckpointService checkpoints,
                           LedgerVerifier verifier, AuditExporter exporter, AuditProperties properties) {
        this.ledger = ledger;
        this.tree = tree;
        this.checkpoints = checkpoints;
        this.verifier = verifier;
        this.exporter = exporter;
        this.maxExportEntries = properties.maxExportEntries();
    }

    @GetMapping("/entries")
    @Operation(operationId = "listAuditEntries", summary = "Ledger entries in index order",
            description = "Each entry's leaf bytes are the RFC 8785 canonical JSON of the entry without leafHash.")
    @ApiResponse(responseCode = "200", description = "The entries")
    public List<AuditEntry> entries(
            @Parameter(description = "First index (default 0)")
            @RequestParam(defaultValue = "0") @Min(0) long fromIndex,
            @Parameter(description = "At most this many entries (1 to 1000)")
            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit,
            @Parameter(description = "Only the entries of this incident")
            @RequestParam(required = false) UUID incidentId) {
        return ledger.entries(fromIndex, limit, incidentId).stream()
                .map(e -> new AuditEntry(e.index(), e.eventId(), e.incidentId(), e.sequence(), e.type(),
                        e.occurredAt(), e.recordedAt(), e.actor(), e.correlationId(), e.payload(),
                        Hex.encode(e.leafHash())))
                .toList();
    }

    @GetMapping("/checkpoint")
    @Operation(operationId = "getAuditCheckpoint", summary = "The latest signed tree head")
    @ApiResponse(responseCode = "200", description = "The checkpoint")
    @ApiResponse(responseCode = "404", description = "No checkpoint signed yet")
    public CheckpointView checkpoint() {
        return checkpoints.latest().map(CheckpointView::of)
                .orElseThrow(() -> new NotFoundException("No checkpoint has been signed yet: the ledger is empty."));
    }

    @PostMapping("/checkpoints")
    @Operation(operationId = "signAuditCheckpoint", summary = "Sign a checkpoint of the ledger now",
            description = "201 with the new checkpoint if the ledger grew since the latest one; otherwise 200 with "
                    + "the latest. Refused (409) while the ledger disagrees with its latest checkpoint.")
    @ApiResponse(responseCode = "201", description = "A new checkpoint")
    @ApiResponse(responseCode = "200", description = "The ledger did not grow: the latest checkpoint")
    @ApiResponse(responseCode = "409", description = "The ledger is empty, or disagrees with its latest checkpoint")
    public ResponseEntity<Object> sign() {
        CheckpointService.Outcome outcome = checkpoints.signIfGrown();
        if (checkpoints.alarm() != null) {
            return problem(HttpStatus.CONFLICT, Problems.NO_CHECKPOINT, "No checkpoint is signed while the ledger disagrees "
                    + "with its signed past: " + checkpoints.alarm());
        }
        if (outcome.checkpoint().isEmpty()) {
            return problem(HttpStatus.CONFLICT, Problems.NO_CHECKPOINT, "The ledger is empty; there is nothing to sign.");
        }
        return ResponseEntity.status(outcome.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(CheckpointView.of(outcome.checkpoint().get()));
    }

    @GetMapping("/verify")
    @Operation(operationId = "verifyAuditLedger", summary = "Re-hash the whole stored ledger",
            description = "Recomputes every leaf from the stored fields, rebuilds the tree, compares it with every "
                    + "checkpoint and checks the latest checkpoint's signature.")
    @ApiResponse(responseCode = "200", description = "The outcome; valid=false names the first invalid index")
    public Verification verify() {
        LedgerVerifier.Report report = verifier.verify();
        return new Verification(report.valid(), report.treeSize(), report.rootHash(), report.firstInvalidIndex(),
                                report.checkpointTreeSize(), report.reason(),
                                CheckpointMismatchView.of(report.checkpointMismatch()));
    }

    @GetMapping("/proofs/inclusion")
    @Operation(operationId = "getAuditInclusionProof", summary = "RFC 9162 inclusion proof of an entry",
            description = "treeSize defaults to the latest checkpoint's.")
    @ApiResponse(responseCode = "200", description = "The proof")
    public InclusionProof inclusionProof(
            @Parameter(description = "The entry's index") @RequestParam @Min(0) long index,
            @Parameter(description = "The tree size to prove against")
            @RequestParam(required = false) @Min(1) Long treeSize) {
        long size = treeSize != null ? treeSize : latestCheckpointSize();
        requireTreeSize("treeSize", size);
        if (index >= size) {
            throw new AuditRequestException("index", "must be smaller than the tree size " + size);
        }
        return new InclusionProof(index, size, Hex.encode(tree.leafHash(index)), Hex.encode(tree.rootHash(size)),
                                  Merkle.encodeProof(tree.inclusionProof(index, size)));
    }

    @GetMapping("/proofs/consistency")
    @Operation(operationId = "getAuditConsistencyProof", summary = "RFC 9162 consistency proof between tree sizes",
            description = "to defaults to the latest checkpoint's tree size.")
    @ApiResponse(responseCode = "200", description = "The proof")
    public ConsistencyProof consistencyProof(
            @Parameter(description = "The older tree size") @RequestParam @Min(1) long from,
            @Parameter(description = "The newer tree size") @RequestParam(required = false) @Min(1) Long to) {
        long size = to != null ? to : latestCheckpointSize();
        requireTreeSize("to", size);
        if (from > size) {
            throw new AuditRequestException("from", "must not exceed " + size);
        }
        return new ConsistencyProof(from, size, Hex.encode(tree.rootHash(from)), Hex.encode(tree.rootHash(size)),
                                    Merkle.encodeProof(tree.consistencyProof(from, size)));
    }

    @GetMapping(path = "/export", produces = {NDJSON, "application/json"})
    @Operation(operationId = "exportAuditLedger", summary = "Export entries with the checkpoint and their proofs",
            description = "Either one incident's entries (incidentId) or an index range (fromIndex, toIndex; toIndex "
                    + "defaults to the latest checkpoint's tree size). NDJSON: a header, the latest checkpoint, one "
                    + "line per entry with its inclusion proof against that checkpoint, an end line. Verify offline "
                    + "with io.incidenttracker.audit.verify.OfflineVerifier.")
    @ApiResponse(responseCode = "200", description = "The export",
            content = @Content(mediaType = NDJSON, schema = @Schema(type = "string")))
    @ApiResponse(responseCode = "404", description = "The ledger holds no entry of that incident")
    @ApiResponse(responseCode = "409", description = "No checkpoint signed yet")
    public ResponseEntity<StreamingResponseBody> export(
            @Parameter(description = "Export this incident's entries") @RequestParam(required = false) UUID incidentId,
            @Parameter(description = "First index of a range export") @RequestParam(required = false) @Min(0)
            Long fromIndex,
            @Parameter(description = "End (exclusive) of a range export") @RequestParam(required = false) @Min(0)
            Long toIndex) {
        if (incidentId == null && fromIndex == null) {
            throw new AuditRequestException("incidentId", "give either incidentId or fromIndex (and toIndex)");
        }
        if (incidentId != null && (fromIndex != null || toIndex != null)) {
            throw new AuditRequestException("incidentId", "an incident export takes no index range");
        }
        SignedCheckpoint checkpoint = checkpoints.latest().orElseThrow(NoCheckpointException::new);
        AuditExporter.Plan plan;
        String name;
        if (incidentId != null) {
            if (ledger.entries(0, 1, incidentId).isEmpty()) {
                throw new NotFoundException("The audit ledger holds no entry of incident " + incidentId + ".");
            }
            plan = new AuditExporter.Plan(checkpoint, null, null, incidentId, checkpoints.now());
            name = "audit-" + incidentId;
        } else {
            long to = toIndex == null ? checkpoint.treeSize() : toIndex;
            if (to > checkpoint.treeSize()) {
                throw new AuditRequestException("toIndex", "must not exceed the latest checkpoint's tree size "
                        + checkpoint.treeSize() + " (POST /api/audit/checkpoints signs a newer one)");
            }
            if (fromIndex > to) {
                throw new AuditRequestException("fromIndex", "must not exceed toIndex " + to);
            }
            if (to - fromIndex > maxExportEntries) {
                throw new AuditRequestException("toIndex", "one export covers at most " + maxExportEntries
                        + " entries");
            }
            plan = new AuditExporter.Plan(checkpoint, fromIndex, to, null, checkpoints.now());
            name = "audit-" + fromIndex + "-" + to;
        }
        StreamingResponseBody body = out -> exporter.write(plan, out);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(NDJSON))
                .header("Content-Disposition", "attachment; filename=\"" + name + ".ndjson\"")
                .body(body);
    }

    private long latestCheckpointSize() {
        return checkpoints.latest().map(SignedCheckpoint::treeSize)
                .orElseThrow(() -> new NotFoundException("No checkpoint has been signed yet."));
    }

    private void requireTreeSize(String field, long size) {
        long available = tree.catchUp();
        if (size > available) {
            throw new AuditRequestException(field, "must not exceed the ledger's " + available + " entries");
        }
    }

    @ExceptionHandler(AuditRequestException.class)
    ResponseEntity<Object> invalid(AuditRequestException e) {
        return Problems.respond(Problems.invalid("Invalid value for " + e.field + ": " + e.getMessage(),
                List.of(new FieldProblem(e.field, e.getMessage()))));
    }

    /** A proof that would need a tile whose stored entries were changed: refused, and the reason said. */
    @ExceptionHandler(LedgerTree.TileMismatch.class)
    ResponseEntity<Object> tampered(LedgerTree.TileMismatch e) {
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, Problems.INTERNAL, "No proof: " + e.getMessage() + ".");
    }

    @ExceptionHandler(NoCheckpointException.class)
    ResponseEntity<Object> noCheckpoint(NoCheckpointException e) {
        return problem(HttpStatus.CONFLICT, Problems.NO_CHECKPOINT,
                       "No checkpoint has been signed yet (POST /api/audit/checkpoints signs one).");
    }

    private static ResponseEntity<Object> problem(HttpStatus status, URI type, String detail) {
        return Problems.respond(Problems.of(status, type, detail));
    }

    /** An export needs a checkpoint to prove against. */
    static final class NoCheckpointException extends RuntimeException {
        NoCheckpointException() {
            super("no checkpoint", null, false, false);
        }
    }

    /** A parameter that is well-formed but does not fit the ledger. */
    static final class AuditRequestException extends RuntimeException {
        final String field;

        AuditRequestException(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }
}
