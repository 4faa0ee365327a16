package io.turngate.turn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The allocations of one listener on one event loop, by the client's 5-tuple (RFC 8656 §6: at most one allocation
 * per 5-tuple). The listener fixes the protocol and the server's transport address, so the key is the rest of the
 * 5-tuple as the client's transport gives it ({@link ClientTransport#fiveTuple()}): the sender address on a UDP
 * listener socket, the connection on a TCP or TLS listener. Looking an allocation up allocates nothing, so the
 * data path does it per packet. Allocations are also counted per username, for the status page.
 *
 * <p>The allocations are also kept in a dense array ({@link #at}), removal by swapping the last one into the hole,
 * so that the periodic sweep can walk the table in bounded slices, one slice per event-loop task, with a cursor
 * that survives between tasks (a {@code HashMap} iterator does not survive a removal).
 *
 * <p>Threading: owned by one event loop; no locks.
 */
public final class AllocationTable {
    private final Map<Object, Allocation> byFiveTuple = new HashMap<>();
    private final Map<String, Integer> perUser = new HashMap<>();
    private Allocation[] dense = new Allocation[16];
    private int count;

    /** The allocation of the 5-tuple {@code fiveTuple}, or {@code null}. Allocation-free. */
    public Allocation get(Object fiveTuple) {
        return byFiveTuple.get(fiveTuple);
    }

    /**
     * Adds {@code a} under its 5-tuple.
     *
     * @throws IllegalStateException if the 5-tuple has an allocation already (the Allocate handler checks first)
     */
    public void add(Allocation a) {
        Allocation before = byFiveTuple.putIfAbsent(a.fiveTuple(), a);
        if (before != null) {
            throw new IllegalStateException("5-tuple " + a.clientAddress() + " has an allocation already");
        }
        if (count == dense.length) {
            dense = Arrays.copyOf(dense, count * 2);
        }
        a.tableIndex = count;
        dense[count++] = a;
        perUser.merge(a.username(), 1, Integer::sum);
    }

    /** Removes {@code a}; {@code false} when it was not in this table (removed before). */
    public boolean remove(Allocation a) {
        if (!byFiveTuple.remove(a.fiveTuple(), a)) {
            return false;
        }
        int i = a.tableIndex;
        Allocation last = dense[--count];
        dense[i] = last;
        last.tableIndex = i;
        dense[count] = null;
        a.tableIndex = -1;
        perUser.computeIfPresent(a.username(), (u, n) -> n > 1 ? n - 1 : null);
        return true;
    }

    public int size() {
        return count;
    }

    /**
     * The allocation at {@code index} ({@code 0 <= index < size()}) of the dense array. Removing the allocation at
     * {@code i} moves the last one to {@code i}; adding appends. A walk that removes the one in hand therefore looks
     * at the same index again, and misses none.
     */
    public Allocation at(int index) {
        return dense[index];
    }

    /** A copy of the allocations, for walks that delete. */
    public List<Allocation> snapshot() {
        return new ArrayList<>(Arrays.asList(dense).subList(0, count));
    }

    /** Allocations per username (a copy). */
    public Map<String, Integer> allocationsPerUser() {
        return new HashMap<>(perUser);
    }
}
