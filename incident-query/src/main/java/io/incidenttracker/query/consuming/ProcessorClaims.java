package io.incidenttracker.query.consuming;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which processors this instance holds, as its token store last confirmed them ({@link ClaimWatchingTokenStore}).
 * <p>
 * A claim counts as held from a call of the store that verified it in the database (a fetch, a store of the token, an
 * extension: each succeeds only while this instance owns the claim, and writes the claim's time) until the first of:
 * this instance releasing it (before the release reaches the database), a call refused for want of it, or half the
 * claim timeout passing without another confirmation. Another instance takes a claim over only once it has gone
 * unextended for the whole timeout, so within the first half no other instance can hold it, even with the two
 * instances' clocks apart by up to the other half. A held claim is extended with every batch and at least every
 * second while the processor idles, so it normally stays held.
 * <p>
 * Each time a claim becomes held again after it was not (the first time, after a release, a refusal or a lapse), it
 * has a new epoch: whatever this instance inferred from holding it before may have been changed meanwhile by another
 * instance.
 */
public class ProcessorClaims {

    /** A processor's claim as last seen: held since the epoch's start, confirmed at {@code confirmedNanos}. */
    private record Claim(long epoch, long confirmedNanos, boolean held) {
    }

    private final long validityNanos;
    private final Map<String, Claim> claims = new ConcurrentHashMap<>();
    private final AtomicLong epochs = new AtomicLong();

    /** @param claimTimeout the token store's claim timeout: a claim is taken as held for half of it after each confirmation */
    public ProcessorClaims(Duration claimTimeout) {
        if (claimTimeout.isNegative() || claimTimeout.isZero()) {
            throw new IllegalArgumentException("The claim timeout must be positive");
        }
        this.validityNanos = claimTimeout.toNanos() / 2;
    }

    /**
     * The store verified this instance's claim by a call begun at {@code startNanos} ({@link System#nanoTime()}):
     * held from then on, in the same epoch if it was held without a break.
     */
    public void confirmed(String processor, long startNanos) {
        claims.compute(processor, (name, old) -> {
            boolean continued = old != null && heldAt(old, startNanos);
            return new Claim(continued ? old.epoch() : epochs.incrementAndGet(), startNanos, true);
        });
    }

    /** This instance gives the claim up, or was refused it: not held from now on. */
    public void lost(String processor) {
        claims.computeIfPresent(processor, (name, old) -> new Claim(old.epoch(), old.confirmedNanos(), false));
    }

    /**
     * The epoch of this instance's claim of the processor if it holds it now, else -1. Two answers with the same epoch
     * mean that the claim was held without a break between them.
     */
    public long heldEpoch(String processor) {
        Claim claim = claims.get(processor);
        return claim != null && heldAt(claim, System.nanoTime()) ? claim.epoch() : -1;
    }

    private boolean heldAt(Claim claim, long nanos) {
        return claim.held() && nanos - claim.confirmedNanos() < validityNanos;
    }
}
