package io.iocp4j.engine;

import io.iocp4j.linux.NativeException;
import io.iocp4j.uring.CompletionHandler;
import io.iocp4j.uring.Flags;
import io.iocp4j.uring.IoUring;
import io.iocp4j.uring.IoUringAvailability;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

/**
 * One io_uring and the driver thread that owns it (LNX-1). Any thread may {@link #submit} an operation at any time;
 * the driver writes its SQE promptly even while every other thread is parked in a port wait, because a
 * sleeping driver is woken through an eventfd whose read is always armed in the ring. The driver reaps CQEs and lets
 * each operation deliver its result (status, event, packet), so I/O finishes with no application thread inside
 * the library. Internal requests (wake-ups, cancels) stop here and never become completions.
 *
 * <p>Only the driver enters the ring: it is the single submitter, so completions never depend on the lifetime or
 * the scheduling of the threads that issued the I/O.
 */
public final class IoEngine implements CompletionHandler {
    private static final int RING_ENTRIES = 1024;
    private static final int RUNNING = 0;
    private static final int SLEEPING = 1;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(IoEngine.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * On one CPU the port waiters the driver has just woken can only run once it stops: it yields to them at the end
     * of each batch that woke some, instead of going on until it blocks or the scheduler preempts it. Measured with
     * the echo benchmark (BENCHMARKS.md, 2026-12-01 05:40): the same CPU per message, 4 KiB at 10 and 100
     * connections faster and with shorter tails. {@code -Diocp4j.engine.yieldToWoken=false} turns it off.
     */
    private static final boolean YIELD_TO_WOKEN = Runtime.getRuntime().availableProcessors() == 1
            && Boolean.parseBoolean(System.getProperty("iocp4j.engine.yieldToWoken", "true"));

    private static volatile IoEngine shared;

    private final IoUring ring;
    private final FixedBuffers fixedBuffers;
    private final SubmitQueue queue = new SubmitQueue();
    private final InFlightTable inFlight = new InFlightTable();
    /** Operations that need another SQE after a CQE; driver only. */
    private final ArrayDeque<Operation> resubmit = new ArrayDeque<>();
    /** Postponed to the end of the current batch of completions; driver only. */
    private final ArrayList<BatchEndTask> batchEndTasks = new ArrayList<>();
    private final IdleSpin idleSpin = new IdleSpin();
    private final int wakeFd;
    /** Where the wake-up read, always armed in the ring, puts the eventfd's counter (never looked at). */
    private final MemorySegment wakeBuffer;
    private final Thread driver;
    @SuppressWarnings("unused")
    private volatile int state = RUNNING;
    private volatile long completed;
    /** The driver's result of enabling the ring: 0, or -errno (then the driver has ended). */
    private final CompletableFuture<Integer> enabled = new CompletableFuture<>();

    private IoEngine(String name, boolean singleIssuer) {
        ring = setupRing(singleIssuer);
        fixedBuffers = new FixedBuffers(ring);
        int fd = Syscalls.eventfd(0, Syscalls.EFD_CLOEXEC);
        if (fd < 0) {
            ring.close();
            throw new IllegalStateException("eventfd failed: " + Errno.name(-fd));
        }
        wakeFd = fd;
        wakeBuffer = Arena.global().allocate(8, 8);
        driver = new DriverThread(this, name);
        driver.start();
        int r = enabled.join();
        if (r < 0) {
            Syscalls.close(wakeFd);
            ring.close();
            throw new EnableRefused(r);
        }
    }

    /**
     * Starts an engine on a single-issuer ring, or on a plain one when the driver cannot enable the former (a
     * kernel or a seccomp policy that refuses IORING_REGISTER_ENABLE_RINGS): a ring that never got enabled would
     * take operations and complete none.
     */
    static IoEngine start(String name) {
        try {
            return new IoEngine(name, true);
        } catch (EnableRefused e) {
            EngineLog.LOGGER.log(System.Logger.Level.WARNING, "iocp4j: cannot enable the single-issuer ring ("
                    + Errno.name(e.errno) + "); using a plain ring");
            return new IoEngine(name, false);
        }
    }

    /**
     * The driver is the ring's only submitter, so the ring can say so (Linux 6.1+): SINGLE_ISSUER lets the kernel
     * skip locking, DEFER_TASKRUN runs completion work only when the driver asks for events instead of interrupting
     * it. The ring starts disabled so that the driver thread, not the creator, becomes its issuer. Older kernels
     * (EINVAL) get a plain ring; {@code -Diocp4j.engine.deferTaskrun=false} asks for one (to compare).
     */
    private static IoUring setupRing(boolean singleIssuer) {
        if (singleIssuer && Boolean.parseBoolean(System.getProperty("iocp4j.engine.deferTaskrun", "true"))) {
            try {
                return IoUring.setup(RING_ENTRIES, Flags.IORING_SETUP_R_DISABLED | Flags.IORING_SETUP_SINGLE_ISSUER
                        | Flags.IORING_SETUP_DEFER_TASKRUN);
            } catch (NativeException e) {
                if (e.errno() != Errno.EINVAL) {
                    throw e;
                }
            }
        }
        return IoUring.setup(RING_ENTRIES, 0);
    }

    /** Whether io_uring can be used here; when not, {@link #unavailabilityCause()} says why and what to do. */
    public static boolean isAvailable() {
        return IoUringAvailability.isAvailable();
    }

    public static Throwable unavailabilityCause() {
        return IoUringAvailability.unavailabilityCause();
    }

    /** The process-wide engine, started on first use; throws IoUringUnavailableException when io_uring is not usable. */
    public static IoEngine shared() {
        IoEngine e = shared;
        if (e == null) {
            synchronized (IoEngine.class) {
                e = shared;
                if (e == null) {
                    IoUringAvailability.ensureAvailable();
                    shared = e = start("iocp4j-ring");
                }
            }
        }
        return e;
    }

    /**
     * Hands an operation (or a request for the driver itself, which travels in order with them) to the driver;
     * callable from any thread, never blocks.
     */
    public void submit(Operation op) {
        queue.offer(op);
        wakeDriver();
    }

    /**
     * Asks for an operation to end with {@code status} (STATUS_CANCELLED, STATUS_CONNECTION_ABORTED...). It still
     * completes exactly once: with that status if the kernel gives it up, or normally if it finished first (CAN-5).
     */
    public void cancel(Operation op, int status) {
        op.cancelStatus = status;
        submit(new CancelRequest(op));
    }

    /**
     * Offers memory made for unbuffered I/O (VirtualAlloc) as a fixed buffer ({@link FixedBuffers}): registered
     * with the ring at its first unbuffered read or write, let go once the memory is unreachable. Any thread.
     */
    public void offerFixedBuffer(MemorySegment memory) {
        FixedBuffers.Region region = new FixedBuffers.Region(memory);
        submit(new FixedBufferRequest(region, true));
        // The action holds the region (a weak reference to the memory's scope), never the memory itself.
        FixedBufferCleaner.CLEANER.register(memory.scope(), () -> submit(new FixedBufferRequest(region, false)));
    }

    /**
     * Driver only (an operation's {@code prepare}): the fixed-buffer slot holding {@code address..address+length}
     * of {@code buffer}'s memory, or -1 when the I/O must name plain addresses.
     */
    public int fixedBufferSlot(MemorySegment buffer, long address, long length) {
        return fixedBuffers.slotFor(buffer, address, length);
    }

    /** How many offered regions are registered with the ring now (tests, diagnostics); driver's view, racy. */
    public int fixedBuffersRegistered() {
        return fixedBuffers.registered();
    }

    /** Whether the calling thread is a ring driver (delivering completions). */
    public static boolean isDriverThread() {
        return Thread.currentThread() instanceof DriverThread;
    }

    /**
     * Called on a driver thread: runs {@code task} once the driver has delivered the completions it has in hand,
     * before it next blocks. A port defers waking its waiters this way, so that a batch of packets costs one
     * wake-up instead of one per packet.
     */
    public static void deferToBatchEnd(BatchEndTask task) {
        if (!(Thread.currentThread() instanceof DriverThread d)) {
            throw new IllegalStateException("not a ring driver thread");
        }
        d.engine.batchEndTasks.add(task);
    }

    /** Completions processed so far (diagnostics and tests). */
    public long completedCount() {
        return completed;
    }

    private void wakeDriver() {
        if ((int) STATE.getVolatile(this) == SLEEPING && STATE.compareAndSet(this, SLEEPING, RUNNING)) {
            Syscalls.eventfdSignal(wakeFd);
        }
    }

    // ---- driver thread ----

    private void drive() {
        int r = (ring.setupFlags() & Flags.IORING_SETUP_R_DISABLED) != 0 ? ring.enable() : 0;
        enabled.complete(r);
        if (r < 0) {
            return;  // the constructor falls back to a plain ring with a new driver
        }
        armWakeup();
        for (;;) {
            round();
        }
    }

    /**
     * One round of the driver: submit what was issued, wait if there is nothing to do, deliver what completed.
     * A method of its own, not the body of the loop in {@link #drive}: the JIT compiles a method after a few
     * thousand calls (here fully within 1.2 s), while a loop entered once waits for on-stack replacement (4 s in
     * one server's life, and then only the profiling tier), and benchmarks measure servers in their first seconds.
     */
    private void round() {
        try {
            takeSubmissions();
            endBatch();  // aborts delivered above must not wait for a wake-up while the driver sleeps
            if (ring.cq().ready() > 0) {
                ring.submit();
            } else if (mayPark()) {
                ring.submitAndWait(1);
                STATE.setVolatile(this, RUNNING);
            } else {
                ring.submit();
            }
            ring.cq().drain(this);
        } catch (RuntimeException | Error e) {
            // One faulty operation must not stop the ring for everybody else.
            EngineLog.LOGGER.log(System.Logger.Level.ERROR, "iocp4j ring driver: unexpected failure", e);
        } finally {
            endBatch();
        }
    }

    private void endBatch() {
        for (int i = 0; i < batchEndTasks.size(); i++) {
            try {
                batchEndTasks.get(i).batchEnded();
            } catch (RuntimeException | Error e) {
                EngineLog.LOGGER.log(System.Logger.Level.ERROR, "iocp4j ring driver: batch-end task failed", e);
            }
        }
        boolean ran = !batchEndTasks.isEmpty();
        batchEndTasks.clear();
        if (ran && YIELD_TO_WOKEN) {
            Thread.yield();  // packets went to ports: let the waiters they woke run now
        }
    }

    /**
     * Watches briefly for work first ({@link IdleSpin}), only when nothing of ours is in the kernel or waiting
     * to be submitted: a watch must never delay the kernel's start on work already taken, and while I/O is in
     * flight its completion wakes the driver anyway, and a spinning driver takes the CPU that completes it (4 KiB
     * O_DIRECT reads at depth 32 lost 16% with an unconditional watch). Then announces that the driver is about
     * to block, and looks at the queue once more: a producer that offered before seeing SLEEPING is found here,
     * one that offered after it writes the eventfd (Dekker-style, both sides using volatile accesses).
     */
    private boolean mayPark() {
        if (inFlight.size() == 0 && resubmit.isEmpty() && ring.sq().pending() == 0
                && idleSpin.workArrived(queue, ring.cq())) {
            return false;
        }
        STATE.setVolatile(this, SLEEPING);
        if (queue.isEmpty() && resubmit.isEmpty()) {
            return true;
        }
        STATE.setVolatile(this, RUNNING);
        return false;
    }

    private void takeSubmissions() {
        for (Operation op; (op = resubmit.poll()) != null; ) {
            start(op);
        }
        for (Operation op; (op = queue.poll()) != null; ) {
            if (op instanceof DriverRequest r) {
                r.run(this);
            } else {
                start(op);
            }
        }
    }

    private void start(Operation op) {
        if (op.cancelStatus != 0) {
            op.abort(op.cancelStatus);
            return;
        }
        long ud = inFlight.add(op);
        if (op.prepare(sq(), ud)) {
            op.userData = ud;
        } else {
            inFlight.remove(ud);
        }
    }

    private void requestCancel(CancelRequest c) {
        Operation target = c.target;
        if (target.userData == 0 || target.issues != c.issue) {
            return;  // finished, or between two SQEs (start() sees cancelStatus), or issued again since
        }
        SubmissionQueue sq = sq();
        Sqe.prepCancel(sq.sqes(), sq.next(), target.userData, 0, UserData.encode(UserData.KIND_CANCEL, 0, 0));
    }

    /** The submission queue with at least one free SQE: a full SQ is submitted (and the CQ drained if the kernel pushes back). */
    private SubmissionQueue sq() {
        SubmissionQueue sq = ring.sq();
        while (sq.space() == 0) {
            int r = ring.submit();
            if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                ring.cq().drain(this);
            }
        }
        return sq;
    }

    private void armWakeup() {
        SubmissionQueue sq = sq();
        Sqe.prepRead(sq.sqes(), sq.next(), wakeFd, wakeBuffer.address(), 8, 0,
                UserData.encode(UserData.KIND_WAKEUP, 0, 0));
    }

    @Override
    public void handle(long userData, int res, int flags) {
        switch (UserData.kind(userData)) {
            case UserData.KIND_OPERATION -> complete(userData, res, flags);
            case UserData.KIND_WAKEUP -> armWakeup();
            default -> { }  // a cancel request's own result: the target's CQE carries what matters
        }
    }

    private void complete(long userData, int res, int flags) {
        Operation op = inFlight.get(userData);
        if (op == null) {
            return;
        }
        boolean more = (flags & Flags.IORING_CQE_F_MORE) != 0;  // a multishot request stays in the kernel
        if (!more) {
            inFlight.remove(userData);
            op.userData = 0;
        }
        completed++;
        try {
            if (!op.onCqe(res, flags) && !more) {
                resubmit.add(op);
            }
        } catch (RuntimeException | Error e) {
            EngineLog.LOGGER.log(System.Logger.Level.ERROR, "iocp4j ring driver: operation " + op + " failed", e);
        }
    }

    /** The flags the ring was set up with (tests: which kind of ring the engine fell back to). */
    int ringSetupFlags() {
        return ring.setupFlags();
    }

    /** The single-issuer ring could not be enabled. */
    private static final class EnableRefused extends RuntimeException {
        final int errno;

        EnableRefused(int negativeErrno) {
            super("IORING_REGISTER_ENABLE_RINGS: " + Errno.name(-negativeErrno), null, false, false);
            this.errno = -negativeErrno;
        }
    }

    /** The driver's thread, recognisable as such by {@link #deferToBatchEnd}. */
    private static final class DriverThread extends Thread {
        final IoEngine engine;

        DriverThread(IoEngine engine, String name) {
            super(engine::drive, name);
            this.engine = engine;
            setDaemon(true);
        }
    }

    /** Its thread starts with the first fixed buffer, not with every program. */
    private static final class FixedBufferCleaner {
        static final Cleaner CLEANER = Cleaner.create();
    }

    /** Work for the driver that travels through the submit queue in order with operations, never an SQE itself. */
    private abstract static class DriverRequest extends Operation {
        abstract void run(IoEngine engine);

        @Override
        protected final boolean prepare(SubmissionQueue sq, long userData) {
            throw new AssertionError("handled by the driver");
        }

        @Override
        protected final boolean onCqe(int res, int flags) {
            throw new AssertionError("handled by the driver");
        }

        @Override
        protected final void abort(int status) {
            throw new AssertionError("handled by the driver");
        }
    }

    /** Cancels an operation the driver may have in flight. */
    private static final class CancelRequest extends DriverRequest {
        final Operation target;
        /** The issue of {@code target} the cancel was asked for. */
        final int issue;

        CancelRequest(Operation target) {
            this.target = target;
            this.issue = target.issues;
        }

        @Override
        void run(IoEngine engine) {
            engine.requestCancel(this);
        }
    }

    /** Adds a region to the fixed-buffer table, or takes one out (its memory is unreachable). */
    private static final class FixedBufferRequest extends DriverRequest {
        final FixedBuffers.Region region;
        final boolean offer;

        FixedBufferRequest(FixedBuffers.Region region, boolean offer) {
            this.region = region;
            this.offer = offer;
        }

        @Override
        void run(IoEngine engine) {
            if (offer) {
                engine.fixedBuffers.offer(region);
            } else {
                engine.fixedBuffers.withdraw(region);
            }
        }
    }
}
