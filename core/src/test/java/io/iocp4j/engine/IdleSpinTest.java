package io.iocp4j.engine;

import io.iocp4j.uring.IoUring;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The driver's watch before blocking, on a ring of its own (no driver thread involved). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleSpinTest {
    private IoUring ring;
    private final SubmitQueue queue = new SubmitQueue();
    /** The watch itself, whatever this machine's default (none on one CPU). */
    private final IdleSpin spin = new IdleSpin(1024);

    @BeforeEach
    void openRing() {
        assumeTrue(IoEngine.isAvailable(), "io_uring unavailable");
        ring = IoUring.setup(8, 0);
    }

    @AfterEach
    void closeRing() {
        if (ring != null) {
            ring.close();
        }
    }

    @Test
    @DisplayName("a queued submission ends the watch: the driver need not block")
    void submissionEndsWatch() {
        queue.offer(new IoEngineTest.Nop(new CountDownLatch(1)));
        assertTrue(spin.workArrived(queue, ring.cq()));
    }

    @Test
    @DisplayName("a CQE already posted ends the watch")
    void completionEndsWatch() {
        SubmissionQueue sq = ring.sq();
        Sqe.prepNop(sq.sqes(), sq.next(), 1);
        assertEquals(1, ring.submit());
        assertTrue(spin.workArrived(queue, ring.cq()));
    }

    @Test
    @DisplayName("with nothing arriving the watch gives up: the driver blocks")
    void idleWatchGivesUp() {
        assertFalse(spin.workArrived(queue, ring.cq()));
        assertFalse(spin.workArrived(queue, ring.cq()));
    }

    @Test
    @DisplayName("a submission from another thread during the watch is caught")
    void submissionDuringWatchIsCaught() throws InterruptedException {
        Thread producer = Thread.ofPlatform().start(() -> {
            Thread.onSpinWait();
            queue.offer(new IoEngineTest.Nop(new CountDownLatch(1)));
        });
        boolean caught = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!caught && System.nanoTime() < deadline) {
            caught = spin.workArrived(queue, ring.cq());  // a watch that ran out retries one time in 16
        }
        producer.join();
        assertTrue(caught);
    }
}
