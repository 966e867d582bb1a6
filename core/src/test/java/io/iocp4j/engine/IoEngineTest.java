package io.iocp4j.engine;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Syscalls;
import io.iocp4j.uring.Flags;
import io.iocp4j.uring.IoUring;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.junit.jupiter.api.Assertions.*;

/** The driver thread with real NOPs: prompt submission from any thread, exactly one completion each, cancel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoEngineTest {
    /** A NOP that records how many times it completed and with what. */
    static class Nop extends Operation {
        final AtomicInteger completions = new AtomicInteger();
        volatile int result = Integer.MIN_VALUE;
        final CountDownLatch done;

        Nop(CountDownLatch done) {
            this.done = done;
        }

        @Override
        protected boolean prepare(SubmissionQueue sq, long userData) {
            Sqe.prepNop(sq.sqes(), sq.next(), userData);
            return true;
        }

        @Override
        protected boolean onCqe(int res, int flags) {
            result = res;
            completions.incrementAndGet();
            done.countDown();
            return true;
        }

        @Override
        protected void abort(int status) {
            result = status;
            completions.incrementAndGet();
            done.countDown();
        }
    }

    @Test
    @DisplayName("issue 2: operations from 8 threads, none waiting, all complete exactly once")
    void manyThreadsSubmit() throws InterruptedException {
        IoEngine engine = IoEngine.shared();
        int threads = 8;
        int perThread = 50_000;
        CountDownLatch done = new CountDownLatch(threads * perThread);
        List<Nop> all = new ArrayList<>();
        List<List<Nop>> perThreadOps = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<Nop> ops = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                ops.add(new Nop(done));
            }
            perThreadOps.add(ops);
            all.addAll(ops);
        }
        List<Thread> submitters = new ArrayList<>();
        for (List<Nop> ops : perThreadOps) {
            submitters.add(Thread.ofPlatform().start(() -> ops.forEach(engine::submit)));
        }
        for (Thread t : submitters) {
            t.join();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "missing completions: " + done.getCount());
        for (Nop op : all) {
            assertEquals(1, op.completions.get());
            assertEquals(0, op.result);
        }
    }

    @Test
    @DisplayName("issue 2: a single operation from an idle engine is submitted promptly (the driver is woken)")
    void wakesSleepingDriver() throws InterruptedException {
        IoEngine engine = IoEngine.shared();
        for (int round = 0; round < 200; round++) {
            Thread.sleep(round % 50 == 0 ? 20 : 0);
            CountDownLatch done = new CountDownLatch(1);
            engine.submit(new Nop(done));
            assertTrue(done.await(5, TimeUnit.SECONDS), "round " + round);
        }
    }

    @Test
    @DisplayName("CAN: an operation cancelled before it reaches the kernel is aborted once with the requested status")
    void cancelCompletesOnce() throws InterruptedException {
        IoEngine engine = IoEngine.shared();
        int n = 2_000;
        CountDownLatch done = new CountDownLatch(n);
        Nop[] ops = new Nop[n];
        for (int i = 0; i < n; i++) {
            ops[i] = new Nop(done);
            engine.submit(ops[i]);
            if (i % 2 == 0) {
                engine.cancel(ops[i], 0xC0000120);
            }
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
        AtomicIntegerArray outcomes = new AtomicIntegerArray(2);
        for (Nop op : ops) {
            assertEquals(1, op.completions.get(), "exactly one completion");
            outcomes.incrementAndGet(op.result == 0 ? 0 : 1);
        }
        assertEquals(n, outcomes.get(0) + outcomes.get(1));
    }

    @Test
    @DisplayName("CAN-2 the very first operation of a new engine can be cancelled (its user_data is not 0, the 'not in flight' mark)")
    void firstOperationIsCancellable() throws InterruptedException {
        IoEngine engine = IoEngine.start("first-operation-test");
        int fd = Syscalls.eventfd(0, Syscalls.EFD_CLOEXEC);
        assertTrue(fd >= 0);
        try {
            CountDownLatch done = new CountDownLatch(1);
            EventfdRead read = new EventfdRead(fd, done);
            engine.submit(read);
            Thread.sleep(100);  // in the kernel now: nothing is ever written to the eventfd
            assertEquals(1, done.getCount(), "the read waits");
            engine.cancel(read, 0xC0000120);
            assertTrue(done.await(5, TimeUnit.SECONDS), "the cancel reached the read");
            assertEquals(-Errno.ECANCELED, read.result);
            assertEquals(1, read.completions.get());
        } finally {
            Syscalls.close(fd);
        }
    }

    /** A read of an eventfd that nobody writes: in the kernel until cancelled. */
    static final class EventfdRead extends Nop {
        private final int fd;
        private final MemorySegment buffer = Arena.ofAuto().allocate(8, 8);

        EventfdRead(int fd, CountDownLatch done) {
            super(done);
            this.fd = fd;
        }

        @Override
        protected boolean prepare(SubmissionQueue sq, long userData) {
            Sqe.prepRead(sq.sqes(), sq.next(), fd, buffer.address(), 8, 0, userData);
            return true;
        }
    }

    @Test
    @DisplayName("issue 6: work deferred to the batch end runs after the CQE that deferred it, before the driver sleeps")
    void batchEndTasksRun() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        AtomicInteger cqesSeenWhenRan = new AtomicInteger(-1);
        Nop deferring = new Nop(new CountDownLatch(1)) {
            @Override
            protected boolean onCqe(int res, int flags) {
                IoEngine.deferToBatchEnd(() -> {
                    cqesSeenWhenRan.set(completions.get());
                    ran.countDown();
                });
                return super.onCqe(res, flags);
            }
        };
        IoEngine.shared().submit(deferring);
        // Nothing else is submitted: the task runs only if the driver flushes before it sleeps.
        assertTrue(ran.await(10, TimeUnit.SECONDS), "the deferred task never ran");
        assertEquals(1, cqesSeenWhenRan.get());
        assertFalse(IoEngine.isDriverThread());
        assertThrows(IllegalStateException.class, () -> IoEngine.deferToBatchEnd(() -> { }));
    }

    @Test
    @DisplayName("LNX-1: a single-issuer ring the driver cannot enable is replaced by a plain ring that completes I/O")
    void fallsBackWhenEnableIsRefused() throws InterruptedException {
        System.setProperty(IoUring.SIMULATE_ENABLE_ERRNO, "EPERM");
        IoEngine engine;
        try {
            engine = IoEngine.start("iocp4j-ring-fallback-test");
        } finally {
            System.clearProperty(IoUring.SIMULATE_ENABLE_ERRNO);
        }
        assertEquals(0, engine.ringSetupFlags() & (Flags.IORING_SETUP_R_DISABLED | Flags.IORING_SETUP_SINGLE_ISSUER));
        CountDownLatch done = new CountDownLatch(100);
        List<Nop> ops = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Nop op = new Nop(done);
            ops.add(op);
            engine.submit(op);
        }
        assertTrue(done.await(10, TimeUnit.SECONDS), "missing completions: " + done.getCount());
        for (Nop op : ops) {
            assertEquals(1, op.completions.get());
            assertEquals(0, op.result);
        }
    }
}
