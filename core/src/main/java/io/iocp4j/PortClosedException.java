package io.iocp4j;

/** The completion port was closed (before the call, or while the caller waited). */
public class PortClosedException extends IllegalStateException {
    public PortClosedException() {
        super("the completion port is closed");
    }
}
