package io.iocp4j.engine;

import java.util.Arrays;

/**
 * Every operation the kernel holds, by slot: the table keeps each operation (and through it the OVERLAPPED and
 * the buffers) reachable until its last CQE has been processed, so nothing the kernel may write is collected or
 * reused early (OVL-6, LNX-9). Owned by the driver thread; no locking.
 *
 * <p>Generations start at 1 and skip 0 when they wrap, so no user_data is ever 0: an operation's user_data of 0
 * means "not in the kernel", and the engine's first operation (slot 0) must be as cancellable as any other.
 */
final class InFlightTable {
    private static final int FIRST_GENERATION = 1;

    private Operation[] operations = new Operation[256];
    private int[] generations = filledWithFirst(new int[256], 0);
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int nextUnused;
    private int size;

    /** Registers an operation and returns the user_data naming it. */
    long add(Operation op) {
        int slot = freeCount > 0 ? freeSlots[--freeCount] : growIfFull(nextUnused++);
        operations[slot] = op;
        size++;
        return UserData.encode(UserData.KIND_OPERATION, generations[slot], slot);
    }

    /** The operation a CQE names, or null when the CQE is for a slot that has since been recycled. */
    Operation get(long userData) {
        int slot = UserData.slot(userData);
        if (slot < 0 || slot >= nextUnused || generations[slot] != UserData.generation(userData)) {
            return null;
        }
        return operations[slot];
    }

    /** Frees the slot after the operation's final CQE; a later CQE with the old generation is then ignored. */
    void remove(long userData) {
        int slot = UserData.slot(userData);
        operations[slot] = null;
        int next = (generations[slot] + 1) & UserData.GENERATION_MASK;
        generations[slot] = next == 0 ? FIRST_GENERATION : next;
        freeSlots[freeCount++] = slot;
        size--;
    }

    int size() {
        return size;
    }

    private static int[] filledWithFirst(int[] generations, int from) {
        Arrays.fill(generations, from, generations.length, FIRST_GENERATION);
        return generations;
    }

    private int growIfFull(int slot) {
        if (slot == operations.length) {
            int n = operations.length * 2;
            operations = Arrays.copyOf(operations, n);
            generations = filledWithFirst(Arrays.copyOf(generations, n), slot);
            freeSlots = Arrays.copyOf(freeSlots, n);
        }
        return slot;
    }
}
