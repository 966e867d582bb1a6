package io.iocp4j.uring;

/**
 * Whether io_uring works here, probed once by setting up and closing a small ring. Thread-safe.
 * Availability is a value with a cause: callers ask, and can say why not.
 */
public final class IoUringAvailability {
    private static volatile Throwable cause;
    private static volatile boolean probed;

    private IoUringAvailability() {
    }

    public static boolean isAvailable() {
        return unavailabilityCause() == null;
    }

    /** Null when io_uring works; otherwise why not (an IoUringUnavailableException names the remedy). */
    public static Throwable unavailabilityCause() {
        if (!probed) {
            synchronized (IoUringAvailability.class) {
                if (!probed) {
                    cause = probe();
                    probed = true;
                }
            }
        }
        return cause;
    }

    /** Throws the stored cause when io_uring is unavailable. */
    public static void ensureAvailable() {
        Throwable t = unavailabilityCause();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t != null) {
            throw new IoUringUnavailableException(0, t.toString(), "see the cause");
        }
    }

    private static Throwable probe() {
        try (IoUring ring = IoUring.setup(4, 0)) {
            ring.probe();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** Forgets the probe result, so tests can change the simulated refusal. */
    static synchronized void reset() {
        probed = false;
        cause = null;
    }
}
