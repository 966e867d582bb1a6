package io.iocp4j;

import java.util.Arrays;

/**
 * A port's packets in FIFO order (GQCS-8): growable circular parallel arrays, so steady-state queuing allocates
 * nothing and the length is unbounded (PQCS-6). Guarded by the port's lock.
 */
final class PacketQueue {
    private Object[] keys = new Object[64];
    private Object[] overlappeds = new Object[64];
    private int[] bytes = new int[64];
    private int[] statuses = new int[64];
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(Object key, Object overlapped, int n, int status) {
        if (size == keys.length) {
            grow();
        }
        int i = (head + size) & (keys.length - 1);
        keys[i] = key;
        overlappeds[i] = overlapped;
        bytes[i] = n;
        statuses[i] = status;
        size++;
    }

    /** Moves the oldest packet into {@code out}. */
    void removeInto(Completion out) {
        int i = head;
        out.set(keys[i], overlappeds[i], bytes[i], statuses[i]);
        drop(i);
    }

    /** Moves the oldest packet into entry {@code index} of {@code out}. */
    void removeInto(CompletionBatch out, int index) {
        int i = head;
        out.set(index, keys[i], overlappeds[i], bytes[i], statuses[i]);
        drop(i);
    }

    void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(overlappeds, null);
        head = 0;
        size = 0;
    }

    private void drop(int i) {
        keys[i] = null;
        overlappeds[i] = null;
        head = (head + 1) & (keys.length - 1);
        size--;
    }

    private void grow() {
        int n = keys.length;
        keys = unwrap(keys, new Object[n * 2]);
        overlappeds = unwrap(overlappeds, new Object[n * 2]);
        int[] b = new int[n * 2];
        int[] s = new int[n * 2];
        for (int k = 0; k < n; k++) {
            b[k] = bytes[(head + k) & (n - 1)];
            s[k] = statuses[(head + k) & (n - 1)];
        }
        bytes = b;
        statuses = s;
        head = 0;
    }

    private Object[] unwrap(Object[] from, Object[] to) {
        int n = from.length;
        int firstPart = n - head;
        System.arraycopy(from, head, to, 0, firstPart);
        System.arraycopy(from, 0, to, firstPart, head);
        return to;
    }
}
