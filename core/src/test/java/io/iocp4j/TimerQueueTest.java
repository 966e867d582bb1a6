package io.iocp4j;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The Java layer's timers: TimerQueue (post-to-port timers) and WaitableTimer (event + APC routine). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TimerQueueTest {
    private static final long MS = 1_000_000L;

    @Test
    @DisplayName("postTo: a periodic timer's packets reach the port in order with tasks posted meanwhile; cancel stops it")
    void periodicPostToPort() throws InterruptedException {
        try (TimerQueue queue = new TimerQueue(); CompletionPort port = CompletionPort.open(1)) {
            QueuedTimer timer = queue.postTo(port, 10 * MS, 10 * MS, 1, "tick", null);
            List<Object> keys = new ArrayList<>();
            long start = System.nanoTime();
            while (keys.stream().filter("tick"::equals).count() < 5) {
                Completion c = port.poll(Duration.ofSeconds(5));
                assertNotNull(c, "a tick every 10 ms");
                keys.add(c.key());
                if (keys.size() == 2) {
                    port.post(0, "task", null);
                }
            }
            assertTrue(System.nanoTime() - start >= 45 * MS, "5 ticks take at least 4 periods");
            assertTrue(keys.contains("task"));
            assertTrue(timer.cancel());
            assertFalse(timer.cancel(), "already cancelled");
            long fired = timer.firings();
            while (port.poll(Duration.ofMillis(60)) != null) {
                // a tick may have been posted while cancelling
            }
            assertEquals(fired, timer.firings(), "no firing after cancel");
        }
    }

    @Test
    @DisplayName("a timer posting to a closed port ends itself; a closed queue fires nothing")
    void endsWithPortAndQueue() throws InterruptedException {
        TimerQueue queue = new TimerQueue();
        CompletionPort port = CompletionPort.open(1);
        QueuedTimer timer = queue.postTo(port, 0, 5 * MS, 0, "k", null);
        assertNotNull(port.poll(Duration.ofSeconds(5)));
        port.close();
        long firedBeforeClose = timer.firings();
        long deadline = System.nanoTime() + 5_000 * MS;
        while (timer.firings() == firedBeforeClose && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(20);  // the firing that met the closed port has finished cancelling
        assertFalse(timer.cancel(), "the timer cancelled itself when the port was closed");

        List<String> fired = new CopyOnWriteArrayList<>();
        queue.schedule(30 * MS, 0, () -> fired.add("late"));
        queue.close();
        queue.awaitTermination();
        Thread.sleep(60);
        assertEquals(List.of(), fired);
    }

    @Test
    @DisplayName("WaitableTimer: the event signals when due; the routine runs as an APC in an alertable wait")
    void waitableTimer() {
        try (WaitableTimer timer = new WaitableTimer(false)) {
            List<Instant> routine = new CopyOnWriteArrayList<>();
            Instant before = Instant.now();
            timer.set(20 * MS, 0, routine::add);
            assertEquals(Waits.TIMEOUT, timer.event().await(System.nanoTime() + 5 * MS, false));
            assertEquals(0, timer.event().await(System.nanoTime() + 5_000 * MS, false));
            assertEquals(List.of(), routine, "not outside an alertable wait");
            assertEquals(Waits.ALERTED, timer.event().await(System.nanoTime() + 5_000 * MS, true));
            assertEquals(1, routine.size());
            assertFalse(routine.get(0).isBefore(before.plusMillis(19)));
            assertThrows(IllegalArgumentException.class, () -> timer.set(0, -1, null));
        }
    }
}
