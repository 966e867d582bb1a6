package io.iocp4j;

/** A reusable batch of packets for GetQueuedCompletionStatusEx: entries [0, n) are valid after a dequeue of n. */
public final class CompletionBatch {
    private final Object[] keys;
    private final Object[] overlappeds;
    private final int[] bytes;
    private final int[] statuses;

    public CompletionBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        keys = new Object[capacity];
        overlappeds = new Object[capacity];
        bytes = new int[capacity];
        statuses = new int[capacity];
    }

    public int capacity() {
        return keys.length;
    }

    public Object key(int i) {
        return keys[i];
    }

    public Object overlapped(int i) {
        return overlappeds[i];
    }

    public int bytesTransferred(int i) {
        return bytes[i];
    }

    public int status(int i) {
        return statuses[i];
    }

    void set(int i, Object key, Object overlapped, int n, int status) {
        keys[i] = key;
        overlappeds[i] = overlapped;
        bytes[i] = n;
        statuses[i] = status;
    }
}
