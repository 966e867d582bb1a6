package io.iocp4j;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Java interrupts and the port's waits. The Java layer's take/poll are interruptible and never lose a packet to an
 * interrupt; the Win32-style waits (dequeue, Waits) ignore interrupts, as Win32 has none, but must neither spin
 * nor swallow the thread's interrupt status.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptTest {
    /** A parked waiter spends a few ms of CPU at most; one that spins spends about the whole wait. */
    private static final long MAX_WAIT_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "thread never blocked");
            Thread.sleep(1);
        }
    }

    private static long cpuNanos() {
        return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** What a waiting thread saw: its result, how much CPU the wait cost, whether the interrupt status survived. */
    private record Outcome(Object result, long cpuNanos, long elapsedNanos, boolean stillInterrupted) {
    }

    private interface Wait {
        Object run() throws Exception;
    }

    /** Runs {@code wait} on a fresh platform thread that is interrupted before it starts waiting. */
    private static CompletableFuture<Outcome> interruptedThen(Wait wait) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            long cpu = cpuNanos();
            long start = System.nanoTime();
            try {
                Object r = wait.run();
                outcome.complete(new Outcome(r, cpuNanos() - cpu, System.nanoTime() - start,
                        Thread.currentThread().isInterrupted()));
            } catch (Throwable e) {
                outcome.completeExceptionally(e);
            }
        });
        return outcome;
    }

    @Test
    @DisplayName("take: an interrupt while waiting throws InterruptedException (status cleared); a later packet stays queued")
    void takeInterruptedWhileWaiting() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        CompletableFuture<Boolean> threw = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                port.take();
                threw.complete(false);
            } catch (InterruptedException e) {
                threw.complete(!Thread.currentThread().isInterrupted());
            }
        });
        awaitParked(t);
        t.interrupt();
        assertTrue(threw.get(5, TimeUnit.SECONDS), "InterruptedException with the status cleared");
        t.join();

        port.post(7, "key", null);
        assertEquals(1, port.queuedCount(), "the interrupted waiter is gone: nobody took the packet");
        Completion c = port.poll(Duration.ZERO);
        assertNotNull(c);
        assertEquals(7, c.bytesTransferred());
    }

    @Test
    @DisplayName("take/poll on an interrupted thread throw at once and leave the queued packet for the next taker")
    void interruptedTakeLeavesPacket() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        port.post(1, "a", null);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, port::take);
        assertFalse(Thread.currentThread().isInterrupted(), "the exception clears the status");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> port.poll(Duration.ofSeconds(10)));
        assertEquals(1, port.queuedCount());
        assertEquals("a", port.take().key());
    }

    @Test
    @DisplayName("poll with a timeout: an interrupt while waiting ends it with InterruptedException")
    void pollInterruptedWhileWaiting() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                port.poll(Duration.ofSeconds(30));
                failure.complete(null);
            } catch (Throwable e) {
                failure.complete(e);
            }
        });
        awaitParked(t);
        t.interrupt();
        assertInstanceOf(InterruptedException.class, failure.get(5, TimeUnit.SECONDS));
    }

    @Test
    @DisplayName("GQCS-style dequeue on an interrupted thread: waits for the packet without spinning, status kept")
    void dequeueIgnoresInterrupt() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        CompletableFuture<Outcome> waited = interruptedThen(() -> {
            Completion c = new Completion();
            return port.dequeue(c, CompletionPort.INFINITE, false) == 1 ? c.key() : null;
        });
        Thread.sleep(300);
        assertFalse(waited.isDone(), "an interrupt does not end a Win32 wait");
        port.post(0, "late", null);
        Outcome o = waited.get(5, TimeUnit.SECONDS);
        assertEquals("late", o.result());
        assertTrue(o.stillInterrupted(), "the interrupt status is given back");
        assertTrue(o.cpuNanos() < MAX_WAIT_CPU_NANOS, "parked, not spinning: " + o.cpuNanos() / 1_000_000 + " ms CPU");
    }

    @Test
    @DisplayName("GQCS-style dequeue with a timeout on an interrupted thread: times out on time, without spinning")
    void dequeueTimesOutDespiteInterrupt() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        Outcome o = interruptedThen(() -> port.dequeue(new Completion(), TimeUnit.MILLISECONDS.toNanos(300), false))
                .get(5, TimeUnit.SECONDS);
        assertEquals(CompletionPort.TIMEOUT, o.result());
        assertTrue(o.elapsedNanos() >= TimeUnit.MILLISECONDS.toNanos(300), "not early");
        assertTrue(o.stillInterrupted());
        assertTrue(o.cpuNanos() < MAX_WAIT_CPU_NANOS, "parked, not spinning: " + o.cpuNanos() / 1_000_000 + " ms CPU");
    }

    @Test
    @DisplayName("EVT-3 waitAny on an interrupted thread: takes the event once set, without spinning, status kept")
    void eventWaitIgnoresInterrupt() throws Exception {
        Event e = new Event(false, false);
        CompletableFuture<Outcome> waited = interruptedThen(() -> Waits.waitAny(new Event[] {e}, Long.MAX_VALUE, false));
        Thread.sleep(300);
        assertFalse(waited.isDone());
        e.set();
        Outcome o = waited.get(5, TimeUnit.SECONDS);
        assertEquals(0, o.result());
        assertTrue(o.stillInterrupted());
        assertTrue(o.cpuNanos() < MAX_WAIT_CPU_NANOS, "parked, not spinning: " + o.cpuNanos() / 1_000_000 + " ms CPU");
    }
}
