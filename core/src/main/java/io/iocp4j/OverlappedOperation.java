package io.iocp4j;

import io.iocp4j.engine.Operation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * An operation issued on a file object with an OVERLAPPED: it delivers its one result through the channels the
 * caller chose, in the order of CORE-4 and the matrix of CORE-2: publish bytes then status, set the event, then
 * either queue the completion routine to the issuer or queue a packet to the port the object is associated with
 * <em>now</em> (CORE-6), unless the event handle had its low bit set (OVL-4).
 *
 * <p>Subclasses are reused: the facade keeps one per OVERLAPPED and kind, so steady-state I/O allocates nothing.
 */
public abstract class OverlappedOperation extends Operation {
    /** Links in the target's list of pending operations; guarded by the target's lock. */
    OverlappedOperation prevPending;
    OverlappedOperation nextPending;

    private IoObject target;
    private IoStatusBlock statusBlock;
    private Object overlapped;
    private Signal event;
    private boolean packetSuppressed;
    private CompletionRoutine routine;
    private Thread issuer;
    private volatile boolean pending;
    /** A thread waiting for the result to be published (GetOverlappedResult with bWait), or null. */
    @SuppressWarnings("unused")
    private volatile Thread resultWaiter;

    private static final VarHandle RESULT_WAITER;

    static {
        try {
            RESULT_WAITER = MethodHandles.lookup().findVarHandle(OverlappedOperation.class, "resultWaiter",
                    Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Sets where the result goes; call before {@link #issue}. {@code overlapped} is the identity packets carry
     * (usually the status block itself).
     */
    public final void notifyTo(IoStatusBlock statusBlock, Object overlapped, Signal event, boolean packetSuppressed,
                               CompletionRoutine routine) {
        this.statusBlock = statusBlock;
        this.overlapped = overlapped;
        this.event = event;
        this.packetSuppressed = packetSuppressed;
        this.routine = routine;
        this.issuer = Thread.currentThread();
    }

    /** Marks the status pending, records the operation on its target and hands it to the engine. */
    protected final void issue(IoObject target) {
        if (issueQueued(target)) {
            target.engine().submit(this);
        }
    }

    /**
     * Marks the status pending and records the operation on its target, for a caller that hands it to the engine
     * itself later (an ordered socket queue). Returns false if the target's last handle was closed while the call
     * was on its way here: the operation is then delivered at once as aborted by that close (CAN-6), and must not
     * reach the kernel, as the fd it would name may already belong to another file.
     */
    protected final boolean issueQueued(IoObject target) {
        this.target = target;
        newIssue();
        pending = true;
        statusBlock.markPending();
        if (event == null && routine == null) {
            target.resetForIo();
        }
        if (!target.addPending(this)) {
            finish(NtStatus.STATUS_CANCELLED, 0);
            return false;
        }
        return true;
    }

    /** Whether the operation is between issue and delivery (OVL-7: the OVERLAPPED must not be reused then). */
    public final boolean isPending() {
        return pending;
    }

    public final Object overlapped() {
        return overlapped;
    }

    public final IoObject target() {
        return target;
    }

    /** The thread that issued the operation: CancelIo's filter, and where a completion routine runs. */
    public final Thread issuer() {
        return issuer;
    }

    /**
     * Registers the calling thread to be unparked when the result is published, so that a wait for it sleeps until
     * then instead of polling the status. One watcher at a time: returns false when another thread watches (that
     * caller then polls). The caller reads the status only after this returns (Dekker with {@link #finish}).
     */
    public final boolean watchResult() {
        return RESULT_WAITER.compareAndSet(this, null, Thread.currentThread());
    }

    /** Ends a {@link #watchResult} of the calling thread. */
    public final void unwatchResult() {
        RESULT_WAITER.compareAndSet(this, Thread.currentThread(), null);
    }

    private void wakeResultWaiter() {
        VarHandle.fullFence();  // the status stored by finish must be visible before the watcher is looked for
        Thread w = (Thread) RESULT_WAITER.getOpaque(this);
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Delivers the result exactly once; runs on the driver thread (or the issuer, for operations that never
     * started). Everything is read into locals before the operation is marked idle, because from then on the
     * facade may reuse this object for the caller's next I/O.
     */
    protected final void finish(int status, long bytes) {
        finish(status, bytes, false);
    }

    /**
     * Delivers the result of an operation that succeeded inside the call that issued it, on the issuing thread: as
     * {@link #finish}, except that no packet is queued when the object is in FILE_SKIP_COMPLETION_PORT_ON_SUCCESS
     * mode (SKIP-1; immediate failures never get here, they are refused before the operation is issued).
     */
    protected final void finishAtOnce(int status, long bytes) {
        finish(status, bytes, true);
    }

    private void finish(int status, long bytes, boolean atOnce) {
        beforeDelivery();
        IoObject t = target;
        IoStatusBlock block = statusBlock;
        Object ov = overlapped;
        Signal e = event;
        CompletionRoutine r = routine;
        Thread to = issuer;
        boolean toPort = !packetSuppressed
                && !(atOnce && (t.notificationModes() & IoObject.FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) != 0);
        t.removePending(this);
        pending = false;
        block.publish(status, bytes);
        if (e != null) {
            e.set();
        } else if (r == null) {
            t.signalForIo();
        }
        if (r != null) {
            Apcs.queue(to, () -> r.completed(status, bytes, ov));
        } else if (toPort) {
            CompletionPort port = t.port();
            if (port != null) {
                port.enqueue((int) bytes, t.key(), ov, status);
            }
        }
        wakeResultWaiter();  // last: a waiter that wakes finds the packet queued, the routine queued, the event set
    }

    /**
     * Drops what the operation holds (the caller's buffers, an fd held for it) before the caller may see it done;
     * runs once per issue, on every path to delivery, including an issue refused because the target was closing.
     */
    protected void beforeDelivery() {
    }

    @Override
    protected void abort(int status) {
        finish(status, 0);
    }
}
