package io.turngate.turn;

import java.security.SecureRandom;

/**
 * Allocation epochs of 5-tuples, which the nonces of one allocation table are bound to ({@link
 * io.turngate.auth.StatelessNonce}'s epoch), so that a request signed with a nonce from before the client's
 * allocation was deleted is stale (438) instead of creating a new allocation (RFC 8656 §5: an allocation's 5-tuple is
 * its identity; RFC 8489 §9.2: the nonce "provides a limited replay protection", here bound to the allocation's life
 * and not only to the address and the time).
 *
 * <p>Stateless per client: a fixed table of {@value #BUCKETS} counters indexed by a keyed hash of the 5-tuple, not
 * one entry per client, so deleted allocations leave nothing behind and a spoofed flood costs nothing. Deleting an
 * allocation advances the counter of its bucket; a live allocation remembers the value it was created under
 * ({@link Allocation#nonceEpoch}), so its own requests keep validating when another 5-tuple of the same bucket is
 * deleted. A client that had a nonce but no allocation yet, whose bucket advanced meanwhile, gets one 438 and retries
 * with the fresh nonce it carries, as for any stale nonce.
 *
 * <p>Owned by the event loop of its allocation table; not thread-safe.
 */
public final class NonceEpochs {
    /** Counters per table (a power of two): 16 KiB. */
    static final int BUCKETS = 4096;

    private final int[] epochs = new int[BUCKETS];
    /** Keys the bucket hash, so that clients cannot aim at another client's bucket. */
    private final int seed = new SecureRandom().nextInt();

    /** The epoch a nonce for {@code fiveTuple} (which has no allocation) is issued for and checked against. */
    public int current(Object fiveTuple) {
        return epochs[index(fiveTuple)];
    }

    /** The allocation of {@code fiveTuple} was deleted: every nonce issued for it before is stale from now on. */
    public void advance(Object fiveTuple) {
        epochs[index(fiveTuple)]++;
    }

    private int index(Object fiveTuple) {
        int h = fiveTuple.hashCode() ^ seed;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h & (BUCKETS - 1);
    }
}
