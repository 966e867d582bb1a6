package io.iocp4j;

/**
 * Gives the calling thread's port slot back while it blocks in one of the library's waits, and takes it again
 * after, even above the limit (GQCS-14). Brackets nest; only the outermost counts. Cheap when the thread is not
 * associated with a port.
 *
 * <p>Blocking the library cannot see (monitors, JDK I/O) keeps the slot: that only lowers parallelism.
 */
public final class PortBlocking {
    private PortBlocking() {
    }

    public static void begin() {
        PortThread t = PortThread.current();
        if (t.blockingDepth++ == 0) {
            CompletionPort p = t.port;
            if (p != null) {
                t.uncountedByBlocking = p.uncount(t);
            }
        }
    }

    public static void end() {
        PortThread t = PortThread.current();
        if (--t.blockingDepth == 0 && t.uncountedByBlocking) {
            t.uncountedByBlocking = false;
            CompletionPort p = t.port;
            if (p != null) {
                p.recount(t);
            }
        }
    }
}
