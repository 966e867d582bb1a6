package io.iocp4j.win32;

/** An out-parameter of type {@code LPOVERLAPPED*}: where GetQueuedCompletionStatus stores the packet's OVERLAPPED. */
public final class OVERLAPPEDByReference {
    public OVERLAPPED value;

    public OVERLAPPEDByReference() {
    }

    public OVERLAPPEDByReference(OVERLAPPED value) {
        this.value = value;
    }
}
