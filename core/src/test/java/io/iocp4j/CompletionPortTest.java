package io.iocp4j;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The port's concurrency accounting and queue discipline in Java terms (GQCS-11..17, CICP-2, PQCS-5/6), with real
 * threads. Timing is used only to order events; outcomes are checked by state.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CompletionPortTest {
    private static final long FOREVER = CompletionPort.INFINITE;

    /** Starts a thread that takes one packet, records it, then spins (never blocks) until released. */
    private static final class Spinner {
        final Thread thread;
        final CountDownLatch took = new CountDownLatch(1);
        final AtomicBoolean release = new AtomicBoolean();
        final Completion c = new Completion();

        Spinner(CompletionPort port) {
            thread = Thread.ofPlatform().start(() -> {
                if (port.dequeue(c, FOREVER, false) == 1) {
                    took.countDown();
                    while (!release.get()) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
    }

    /** A waiter that takes one packet and reports it. */
    private static Thread waiter(CompletionPort port, AtomicInteger got) {
        return Thread.ofPlatform().start(() -> {
            Completion c = new Completion();
            if (port.dequeue(c, FOREVER, false) == 1) {
                got.incrementAndGet();
            }
        });
    }

    private static void awaitWaiting(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "thread never blocked");
            Thread.sleep(1);
        }
    }

    @Test
    @DisplayName("CICP-2 concurrency 0 = processors; N+1 spinning workers: exactly N packets taken while they spin")
    void limitIsProcessors() throws InterruptedException {
        CompletionPort port = CompletionPort.open(0);
        int n = Runtime.getRuntime().availableProcessors();
        assertEquals(n, port.concurrency());
        List<Spinner> spinners = new ArrayList<>();
        for (int i = 0; i <= n; i++) {
            spinners.add(new Spinner(port));
        }
        for (Spinner s : spinners) {
            awaitWaiting(s.thread);
        }
        for (int i = 0; i <= n; i++) {
            port.post(i, null, null);
        }
        Thread.sleep(300);
        long took = spinners.stream().filter(s -> s.took.getCount() == 0).count();
        assertEquals(n, took, "exactly the limit runs");
        assertEquals(1, port.queuedCount(), "the last packet stays queued");
        spinners.forEach(s -> s.release.set(true));
        port.close();
    }

    @Test
    @DisplayName("GQCS-11 a thread that moves to another port frees its slot on the first")
    void associationMoves() throws Exception {
        CompletionPort p1 = CompletionPort.open(1);
        CompletionPort p2 = CompletionPort.open(1);
        CountDownLatch aTook = new CountDownLatch(1);
        CountDownLatch aMove = new CountDownLatch(1);
        Thread a = Thread.ofPlatform().start(() -> {
            Completion c = new Completion();
            p1.dequeue(c, FOREVER, false);
            aTook.countDown();
            try {
                aMove.await();
            } catch (InterruptedException e) {
                return;
            }
            p2.dequeue(c, 0, false);
        });
        p1.post(1, null, null);
        assertTrue(aTook.await(5, TimeUnit.SECONDS));
        AtomicInteger bGot = new AtomicInteger();
        Thread b = waiter(p1, bGot);
        awaitWaiting(b);
        p1.post(2, null, null);
        Thread.sleep(200);
        assertEquals(0, bGot.get(), "B stays blocked while A holds the only slot");
        aMove.countDown();
        b.join(5000);
        assertEquals(1, bGot.get(), "A's GQCS on P2 released B");
        a.join();
        p1.close();
        p2.close();
    }

    @Test
    @DisplayName("GQCS-12 GQCS-13 limit 2, three waiters that spin once released: the third packet waits; a re-entry takes it")
    void limitHoldsPackets() throws Exception {
        CompletionPort port = CompletionPort.open(2);
        AtomicInteger took = new AtomicInteger();
        AtomicInteger reentries = new AtomicInteger();
        AtomicInteger reentryResult = new AtomicInteger(Integer.MIN_VALUE);
        AtomicBoolean release = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                Completion c = new Completion();
                if (port.dequeue(c, FOREVER, false) != 1) {
                    return;
                }
                took.incrementAndGet();
                while (!release.get()) {
                    Thread.onSpinWait();
                }
                if (reentries.getAndIncrement() == 0) {
                    reentryResult.set(port.dequeue(c, 0, false));
                }
                while (!port.isClosed()) {
                    Thread.onSpinWait();  // keeps its slot: alive and never blocking
                }
            }));
        }
        for (Thread t : threads) {
            awaitWaiting(t);
        }
        for (int i = 1; i <= 3; i++) {
            port.post(i, null, null);
        }
        Thread.sleep(300);
        assertEquals(2, took.get(), "two threads run: the limit");
        assertEquals(1, port.queuedCount(), "the third packet stays queued, not lost");
        release.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (reentryResult.get() == Integer.MIN_VALUE && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(1, reentryResult.get(), "a spinner re-entering with timeout 0 takes the third packet itself");
        assertEquals(2, took.get(), "and the blocked thread is still not released");
        port.close();
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Makes {@code port} (limit 1) hold a packet back: its slot taken by a platform thread that took packet 1 and
     * waits on {@code release} (a Java wait, so it stays counted), and packet 2 queued behind the limit.
     */
    private static Thread holdSlot(CompletionPort port, CountDownLatch release) throws InterruptedException {
        CountDownLatch took = new CountDownLatch(1);
        Thread holder = Thread.ofPlatform().start(() -> {
            Completion c = new Completion();
            if (port.dequeue(c, FOREVER, false) == 1) {
                took.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                port.dequeue(c, FOREVER, false);  // re-entry gives the slot back and takes packet 2 (GQCS-13)
            }
        });
        port.post(1, null, null);
        assertTrue(took.await(5, TimeUnit.SECONDS));
        port.post(2, null, null);
        return holder;
    }

    @Test
    @DisplayName("GQCS-12 a waiter that the limit holds back sleeps: no CPU burnt while the packet stays queued")
    void heldBackWaiterSleeps() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = holdSlot(port, release);
        AtomicInteger got = new AtomicInteger();
        Thread w = waiter(port, got);
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread.sleep(200);  // past its first re-checks
        long cpuBefore = mx.getThreadCpuTime(w.threadId());
        Thread.sleep(1000);
        long cpuNanos = mx.getThreadCpuTime(w.threadId()) - cpuBefore;
        assertEquals(1, port.queuedCount(), "packet 2 waits for the slot");
        assertEquals(0, got.get());
        assertTrue(cpuNanos < 100_000_000L, "the held-back waiter used " + cpuNanos / 1_000_000 + " ms of CPU in 1 s");
        release.countDown();
        holder.join(5000);
        assertEquals(0, port.queuedCount());
        port.close();
        w.join(5000);
        assertFalse(holder.isAlive() || w.isAlive());
        assertEquals(0, got.get(), "the re-entering holder took packet 2, not the waiter");
    }

    @Test
    @DisplayName("GQCS-12 LNX-16 virtual threads held back by the limit leave their carriers to other virtual threads")
    void heldBackVirtualWaitersYieldCarriers() throws Exception {
        int carriers = Runtime.getRuntime().availableProcessors();
        List<CompletionPort> ports = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < carriers; i++) {
            CompletionPort port = CompletionPort.open(1);
            ports.add(port);
            threads.add(holdSlot(port, release));
            threads.add(Thread.ofVirtual().start(() -> port.dequeue(new Completion(), FOREVER, false)));
        }
        Thread.sleep(200);  // every carrier has had a held-back waiter on it
        CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().start(ran::countDown);
        assertTrue(ran.await(10, TimeUnit.SECONDS), "a virtual thread found no free carrier");
        release.countDown();
        for (CompletionPort port : ports) {
            port.close();
        }
        for (Thread t : threads) {
            t.join(5000);
            assertFalse(t.isAlive(), () -> t + " is stuck");
        }
    }

    @Test
    @DisplayName("GQCS-12a GQCS-16 a timeout-0 poll counts as running: limit 1, C polls then spins; W is not released")
    void pollingOccupiesSlot() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        AtomicBoolean cBlock = new AtomicBoolean();
        AtomicInteger cGot = new AtomicInteger();
        CountDownLatch cPolled = new CountDownLatch(1);
        Thread c = Thread.ofPlatform().start(() -> {
            Completion out = new Completion();
            assertEquals(CompletionPort.TIMEOUT, port.dequeue(out, 0, false));
            cPolled.countDown();
            while (!cBlock.get()) {
                Thread.onSpinWait();
            }
            if (port.dequeue(out, FOREVER, false) == 1) {
                cGot.incrementAndGet();
            }
        });
        assertTrue(cPolled.await(5, TimeUnit.SECONDS));
        AtomicInteger wGot = new AtomicInteger();
        Thread w = waiter(port, wGot);
        awaitWaiting(w);
        port.post(1, null, null);
        Thread.sleep(200);
        assertEquals(0, wGot.get(), "W is not released while C holds the slot");
        Completion probe = new Completion();
        Thread other = Thread.ofPlatform().start(() ->
                assertEquals(CompletionPort.TIMEOUT, port.dequeue(probe, 0, false),
                        "GQCS-16 a zero-timeout caller gets TIMEOUT although a packet is queued"));
        other.join();
        cBlock.set(true);
        c.join(5000);
        assertEquals(1, cGot.get(), "C re-entering gives its slot back and takes the packet itself");
        assertEquals(0, wGot.get());
        port.close();
        w.join();
    }

    @Test
    @DisplayName("GQCS-15 a thread that took a packet and ended frees its slot")
    void threadExitFreesSlot() throws Exception {
        CompletionPort port = CompletionPort.open(1);
        Thread a = Thread.ofPlatform().start(() -> port.dequeue(new Completion(), FOREVER, false));
        port.post(1, null, null);
        a.join();
        AtomicInteger bGot = new AtomicInteger();
        Thread b = waiter(port, bGot);
        awaitWaiting(b);
        port.post(2, null, null);
        b.join(5000);
        assertEquals(1, bGot.get());
        port.close();
    }

    @Test
    @DisplayName("GQCS-17 64 waiters on a limit-2 port all return CLOSED when it closes")
    void manyWaitersClose() throws Exception {
        CompletionPort port = CompletionPort.open(2);
        AtomicInteger closed = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                if (port.dequeue(new Completion(), FOREVER, false) == CompletionPort.CLOSED) {
                    closed.incrementAndGet();
                }
            }));
        }
        for (Thread t : ts) {
            awaitWaiting(t);
        }
        port.close();
        for (Thread t : ts) {
            t.join(5000);
        }
        assertEquals(64, closed.get());
        assertFalse(port.enqueue(1, null, null, 0), "CICP-11 later packets are dropped");
        assertThrows(PortClosedException.class, () -> port.post(1, null, null));
    }

    @Test
    @DisplayName("PQCS-5 posting an in-flight operation's identity returns exactly it and touches nothing")
    void postedTaskRecord() throws Exception {
        CompletionPort port = CompletionPort.open(0);
        Object task = new Object();
        port.post(7, 0x1000L, task);
        Completion c = port.poll(Duration.ofSeconds(1));
        assertNotNull(c);
        assertEquals(7, c.bytesTransferred());
        assertEquals(0x1000L, c.key());
        assertSame(task, c.overlapped());
        assertEquals(0, c.status());
        port.close();
    }

    @Test
    @DisplayName("PQCS-6 GQCS-8 a million packets with no consumer, then all in order")
    void millionQueued() {
        CompletionPort port = CompletionPort.open(0);
        for (int i = 0; i < 1_000_000; i++) {
            port.post(i, null, null);
        }
        assertEquals(1_000_000, port.queuedCount());
        Completion c = new Completion();
        for (int i = 0; i < 1_000_000; i++) {
            assertEquals(1, port.dequeue(c, 0, false));
            assertEquals(i, c.bytesTransferred());
        }
        assertEquals(CompletionPort.TIMEOUT, port.dequeue(c, 0, false));
        port.close();
    }

    @Test
    @DisplayName("issue 2: 8 producers x 1,000,000 packets, 4 consumers: every packet exactly once")
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void eightMillionPackets() throws Exception {
        assertEveryPacketOnce(8, 1_000_000, 4, i -> Thread.ofPlatform());
    }

    @Test
    @DisplayName("issue 6: platform and virtual threads contending for the port lock: every packet exactly once")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void platformAndVirtualThreadsContend() throws Exception {
        // Virtual threads that find the port's monitor taken unmount while they wait for it (JEP 491).
        assertEveryPacketOnce(8, 250_000, 6, i -> i % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual());
    }

    /**
     * Producers post numbered packets to one port while consumers take them; checks that none is lost or seen
     * twice and that every thread ends. {@code builders} gives the i-th producer's and the i-th consumer's kind.
     */
    private static void assertEveryPacketOnce(int producers, int perProducer, int consumerCount,
                                              IntFunction<Thread.Builder> builders) throws Exception {
        CompletionPort port = CompletionPort.open(0);
        Object[] keys = new Object[producers];
        for (int i = 0; i < producers; i++) {
            keys[i] = i;
        }
        AtomicLongArray seen = new AtomicLongArray(producers * (perProducer / 64 + 1));
        AtomicInteger duplicates = new AtomicInteger();
        Object stop = new Object();
        List<Thread> consumers = new ArrayList<>();
        for (int i = 0; i < consumerCount; i++) {
            consumers.add(builders.apply(i).start(() -> {
                Completion c = new Completion();
                while (port.dequeue(c, FOREVER, false) == 1 && c.key() != stop) {
                    int p = (Integer) c.key();
                    int seq = c.bytesTransferred();
                    int word = p * (perProducer / 64 + 1) + seq / 64;
                    long bit = 1L << (seq % 64);
                    if ((seen.getAndUpdate(word, v -> v | bit) & bit) != 0) {
                        duplicates.incrementAndGet();
                    }
                }
            }));
        }
        List<Thread> ps = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Object key = keys[p];
            ps.add(builders.apply(p).start(() -> {
                for (int i = 0; i < perProducer; i++) {
                    port.post(i, key, null);
                }
            }));
        }
        joinAll(ps);
        for (int i = 0; i < consumerCount; i++) {
            port.post(0, stop, null);
        }
        joinAll(consumers);
        assertEquals(0, duplicates.get());
        long total = 0;
        for (int i = 0; i < seen.length(); i++) {
            total += Long.bitCount(seen.get(i));
        }
        assertEquals((long) producers * perProducer, total, "none lost");
        port.close();
    }

    private static void joinAll(List<Thread> threads) throws InterruptedException {
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(60)), () -> t + " is stuck");
        }
    }

    @Test
    @DisplayName("issue 6: two threads posting to each other allocate nothing per hand-off, contended or not")
    void pingPongAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(),
                "this JVM must count per-thread allocation for the test to mean anything");
        CompletionPort there = CompletionPort.open(0);
        CompletionPort back = CompletionPort.open(0);
        Completion pongOut = new Completion();
        AtomicLong pongBytes = new AtomicLong();
        Thread pong = Thread.ofPlatform().start(() -> pongBytes.set(allocatedBy(mx, i -> {
            there.dequeue(pongOut, FOREVER, false);
            back.post(i, null, null);
        })));
        Completion pingOut = new Completion();
        long pingBytes = allocatedBy(mx, i -> {
            there.post(i, null, null);
            back.dequeue(pingOut, FOREVER, false);
        });
        assertTrue(pong.join(Duration.ofSeconds(30)), "pong ended");
        double perHandOff = (pingBytes + pongBytes.get()) / (2.0 * MEASURED_HAND_OFFS);
        assertTrue(perHandOff < 0.5, "ping " + pingBytes + " B, pong " + pongBytes.get() + " B: " + perHandOff
                + " B per hand-off");
        there.close();
        back.close();
    }

    private static final int MEASURED_HAND_OFFS = 200_000;

    /** Heap bytes the calling thread allocates over the measured steps, after as many again to warm up the JIT. */
    private static long allocatedBy(com.sun.management.ThreadMXBean mx, IntConsumer step) {
        for (int i = 0; i < MEASURED_HAND_OFFS; i++) {
            step.accept(i);
        }
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < MEASURED_HAND_OFFS; i++) {
            step.accept(i);
        }
        return mx.getCurrentThreadAllocatedBytes() - before;
    }

    @Test
    @DisplayName("LNX-16 1,000 virtual threads wait on one port and are all released, by packets and by close")
    void virtualThreads() throws Exception {
        CompletionPort port = CompletionPort.open(0);
        AtomicInteger got = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ts.add(Thread.ofVirtual().start(() -> {
                int r = port.dequeue(new Completion(), FOREVER, false);
                (r == 1 ? got : closed).incrementAndGet();
            }));
        }
        Thread.sleep(200);
        for (int i = 0; i < 1000; i++) {
            port.post(i, null, null);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (got.get() < 1000 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(1000, got.get());
        port.close();
        for (Thread t : ts) {
            t.join(10_000);
        }
        assertEquals(1000, closed.get());
    }
}
