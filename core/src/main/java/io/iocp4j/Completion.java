package io.iocp4j;

/** A dequeued packet: a mutable holder that a thread reuses, so that dequeuing allocates nothing. */
public final class Completion {
    private Object key;
    private Object overlapped;
    private int bytes;
    private int status;

    public Object key() {
        return key;
    }

    public Object overlapped() {
        return overlapped;
    }

    public int bytesTransferred() {
        return bytes;
    }

    /** The packet's NTSTATUS: 0 for success and for every posted packet. */
    public int status() {
        return status;
    }

    void set(Object key, Object overlapped, int bytes, int status) {
        this.key = key;
        this.overlapped = overlapped;
        this.bytes = bytes;
        this.status = status;
    }

    @Override
    public String toString() {
        return "Completion[key=" + key + ", overlapped=" + overlapped + ", bytes=" + bytes
                + ", status=0x" + Integer.toHexString(status) + "]";
    }
}
