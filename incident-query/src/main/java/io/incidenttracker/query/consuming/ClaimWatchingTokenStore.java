package io.incidenttracker.query.consuming;

import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToInitializeTokenException;
import org.axonframework.eventhandling.tokenstore.UnableToRetrieveIdentifierException;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The token store, telling {@link ProcessorClaims} which claims its calls verified and which this instance gave up
 * or was refused. Every call goes to the store unchanged; a release is told before it reaches the database, so that
 * nothing this instance does on the strength of a claim outlives the claim.
 */
public class ClaimWatchingTokenStore implements TokenStore {

    private final TokenStore store;
    private final ProcessorClaims claims;

    public ClaimWatchingTokenStore(TokenStore store, ProcessorClaims claims) {
        this.store = store;
        this.claims = claims;
    }

    @Override
    public void storeToken(TrackingToken token, String processorName, int segment)
            throws UnableToClaimTokenException {
        long start = System.nanoTime();
        watched(processorName, () -> store.storeToken(token, processorName, segment));
        claims.confirmed(processorName, start);
    }

    @Override
    public TrackingToken fetchToken(String processorName, int segment) throws UnableToClaimTokenException {
        long start = System.nanoTime();
        TrackingToken token = watched(processorName, () -> store.fetchToken(processorName, segment));
        claims.confirmed(processorName, start);
        return token;
    }

    @Override
    public TrackingToken fetchToken(String processorName, Segment segment)
            throws UnableToClaimTokenException {
        long start = System.nanoTime();
        TrackingToken token = watched(processorName, () -> store.fetchToken(processorName, segment));
        claims.confirmed(processorName, start);
        return token;
    }

    @Override
    public void extendClaim(String processorName, int segment) throws UnableToClaimTokenException {
        long start = System.nanoTime();
        watched(processorName, () -> store.extendClaim(processorName, segment));
        claims.confirmed(processorName, start);
    }

    @Override
    public void releaseClaim(String processorName, int segment) {
        claims.lost(processorName);
        store.releaseClaim(processorName, segment);
    }

    @Override
    public void deleteToken(String processorName, int segment) throws UnableToClaimTokenException {
        claims.lost(processorName);
        store.deleteToken(processorName, segment);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount)
            throws UnableToClaimTokenException {
        store.initializeTokenSegments(processorName, segmentCount);
    }

    @Override
    public void initializeTokenSegments(String processorName, int segmentCount,
                                        TrackingToken initialToken) throws UnableToClaimTokenException {
        store.initializeTokenSegments(processorName, segmentCount, initialToken);
    }

    @Override
    public void initializeSegment(TrackingToken token, String processorName, int segment)
            throws UnableToInitializeTokenException {
        store.initializeSegment(token, processorName, segment);
    }

    @Override
    public boolean requiresExplicitSegmentInitialization() {
        return store.requiresExplicitSegmentInitialization();
    }

    @Override
    public int[] fetchSegments(String processorName) {
        return store.fetchSegments(processorName);
    }

    @Override
    public List<Segment> fetchAvailableSegments(String processorName) {
        return store.fetchAvailableSegments(processorName);
    }

    @Override
    public Optional<String> retrieveStorageIdentifier() throws UnableToRetrieveIdentifierException {
        return store.retrieveStorageIdentifier();
    }

    private <T> T watched(String processorName, Supplier<T> call) {
        try {
            return call.get();
        } catch (UnableToClaimTokenException e) {
            claims.lost(processorName);
            throw e;
        }
    }

    private void watched(String processorName, Runnable call) {
        watched(processorName, () -> {
            call.run();
            return null;
        });
    }
}
