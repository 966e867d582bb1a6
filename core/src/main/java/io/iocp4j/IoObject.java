package io.iocp4j;

import io.iocp4j.engine.IoEngine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A file object: the kernel object behind one or more handles (a socket, a file). It owns the port association,
 * the notification modes and, in subclasses, the Linux fd and the set of pending operations (CORE-1).
 * Thread-safe.
 *
 * <p>Nothing here is keyed by an fd number: the association lives and dies with this object (CICP-10, LNX-8).
 */
public abstract class IoObject {
    /** SetFileCompletionNotificationModes flags (SKIP-1..4). */
    public static final int FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
    public static final int FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;

    private static final VarHandle ASSOCIATION;
    private static final VarHandle MODES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ASSOCIATION = lookup.findVarHandle(IoObject.class, "association", Association.class);
            MODES = lookup.findVarHandle(IoObject.class, "notificationModes", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The port and key packets go to; set once, never changed (CICP-6). */
    private record Association(CompletionPort port, Object key) {
    }

    private volatile Association association;
    private volatile int notificationModes;

    /** Whether the object was opened for overlapped I/O; only those can be associated (CICP-7). */
    public abstract boolean isOverlapped();

    /** Associates with a port for the object's whole life; false if it already is associated (CICP-6). */
    public final boolean associate(CompletionPort port, Object key) {
        return ASSOCIATION.compareAndSet(this, (Association) null, new Association(port, key));
    }

    /** The associated port, read at completion time (CORE-6); null when not associated. */
    public final CompletionPort port() {
        Association a = association;
        return a == null ? null : a.port();
    }

    /** The completion key given at association; null when not associated. */
    public final Object key() {
        Association a = association;
        return a == null ? null : a.key();
    }

    /** Adds notification mode flags; they accumulate and can never be cleared (SKIP-4). */
    public final void addNotificationModes(int modes) {
        int old;
        do {
            old = notificationModes;
        } while (!MODES.compareAndSet(this, old, old | modes));
    }

    public final int notificationModes() {
        return notificationModes;
    }

    private boolean closing;
    private boolean released;

    /**
     * Tears the object down when its last handle closes: pending operations are aborted, one packet each
     * (CAN-6), and the Linux resources go only once the kernel has given back every operation, so an fd number
     * can never be reused under an operation still queued for it (LNX-7, LNX-8).
     */
    public final void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        abortPendingOnClose();
        releaseIfDrained();
    }

    /** Whether close has begun: no new operation may start. */
    public final synchronized boolean isClosing() {
        return closing;
    }

    /** Asks every pending operation to end; subclasses choose the status (CAN-6). */
    protected void abortPendingOnClose() {
        cancelPending(null, NtStatus.STATUS_CANCELLED);
    }

    /** Frees the Linux side (closes the fd); called once, after close, when nothing is pending or held. */
    protected abstract void release();

    private void releaseIfDrained() {
        synchronized (this) {
            if (!closing || released || firstPending != null || holders > 0) {
                return;
            }
            released = true;
        }
        release();
    }

    /** Users of the fd besides this object's pending operations (see {@link #holdFd}); guarded by this. */
    private int holders;

    /**
     * Keeps the fd open for a user that is not one of this object's pending operations (a synchronous call, a
     * readiness poll, an operation of another object that names this fd: AcceptEx's accept socket, TransmitFile's
     * file), so that a close cannot free its number, which the next open(2) in the process could be given, while
     * that user may still name it (LNX-7, LNX-8). Each hold that succeeded ends with one {@link #letGoOfFd}. False once
     * close has begun (the fd may be gone already).
     */
    public final synchronized boolean holdFd() {
        if (closing) {
            return false;
        }
        holders++;
        return true;
    }

    /** Ends a {@link #holdFd}; the last one after the close releases the object. */
    public final void letGoOfFd() {
        synchronized (this) {
            holders--;
        }
        releaseIfDrained();
    }

    // ---- the object's own event (EVT-6): waited on when an operation had no hEvent ----

    private volatile boolean signaledForIo;
    private volatile Event completionEvent;

    /**
     * The file object's own manual-reset event: reset when an operation without an event is issued, set when
     * any such operation completes (unless FILE_SKIP_SET_EVENT_ON_HANDLE, SKIP-3). Created when first waited on;
     * until then the state is a volatile flag, so I/O pays no lock for it.
     */
    public final Event completionEvent() {
        Event e = completionEvent;
        if (e == null) {
            synchronized (this) {
                e = completionEvent;
                if (e == null) {
                    e = new Event(true, false);
                    completionEvent = e;
                    if (signaledForIo) {
                        e.set();  // published first, then the flag read: a concurrent set is never lost
                    }
                }
            }
        }
        return e;
    }

    final void resetForIo() {
        signaledForIo = false;
        Event e = completionEvent;
        if (e != null) {
            e.reset();
        }
    }

    final void signalForIo() {
        if ((notificationModes & FILE_SKIP_SET_EVENT_ON_HANDLE) != 0) {
            return;
        }
        signaledForIo = true;
        Event e = completionEvent;
        if (e != null) {
            e.set();
        }
    }

    /** The engine this object's operations run on. */
    public IoEngine engine() {
        return IoEngine.shared();
    }

    // ---- pending operations: an intrusive list guarded by this object's monitor ----

    private OverlappedOperation firstPending;

    /**
     * Lists an operation being issued; false once close has begun: close has aborted what was pending and may have
     * released the fd already, whose number the next open(2) in the process can be given.
     */
    final synchronized boolean addPending(OverlappedOperation op) {
        if (closing) {
            return false;
        }
        op.prevPending = null;
        op.nextPending = firstPending;
        if (firstPending != null) {
            firstPending.prevPending = op;
        }
        firstPending = op;
        return true;
    }

    final void removePending(OverlappedOperation op) {
        synchronized (this) {
            if (op.prevPending != null) {
                op.prevPending.nextPending = op.nextPending;
            } else if (firstPending == op) {
                firstPending = op.nextPending;
            } else {
                return;  // not listed
            }
            if (op.nextPending != null) {
                op.nextPending.prevPending = op.prevPending;
            }
            op.prevPending = op.nextPending = null;
        }
        releaseIfDrained();
    }

    /**
     * Cancels the pending operations issued with {@code overlapped}, or all of them when it is null (CancelIo,
     * CancelIoEx, close). Each still completes exactly once, with {@code status} unless it finished first.
     * Returns how many were asked to stop.
     */
    public final int cancelPending(Object overlapped, int status) {
        return cancelPending(overlapped, null, status);
    }

    /** As {@link #cancelPending(Object, int)}, limited to operations {@code issuer} started when it is not null (CancelIo). */
    public final int cancelPending(Object overlapped, Thread issuer, int status) {
        int n = 0;
        synchronized (this) {
            for (OverlappedOperation op = firstPending; op != null; op = op.nextPending) {
                if ((overlapped == null || op.overlapped() == overlapped) && (issuer == null || op.issuer() == issuer)) {
                    engine().cancel(op, status);
                    n++;
                }
            }
        }
        return n;
    }

    /** Whether any operation is pending on this object. */
    public final synchronized boolean hasPending() {
        return firstPending != null;
    }
}
