package io.iocp4j.examples.nanomsg;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Seed 000: the nanomsg worker runs tasks, timers and resumed partial receives on its one thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NnWorkerDemoTest {
    @Test
    @DisplayName("issue 5 nn-worker: 10 rounds of 256 KiB in 4 timed pieces, every byte verified, receives resumed")
    void demoRuns() throws InterruptedException {
        int rounds = 10;
        int pieces = 4;
        NnWorkerDemo.Result r = new NnWorkerDemo(rounds, 256 * 1024, pieces, 10).run();
        assertEquals(rounds, r.rounds());
        assertEquals((long) rounds * 256 * 1024, r.bytesVerified());
        assertEquals((long) rounds * pieces, r.timersFired(), "one timer per piece");
        assertEquals(1 + rounds, r.tasksExecuted(), "the receiver's start task and one task per round");
        assertTrue(r.resumes() >= rounds,
                "each round's receive asked for the whole message and got it piece by piece: " + r.resumes());
        assertTrue(r.nanos() >= TimeUnit.MILLISECONDS.toNanos((long) rounds * pieces * 10),
                "the timers set the pace");
    }

    @Test
    @DisplayName("bad parameters are refused before anything starts")
    void badParameters() {
        assertThrows(IllegalArgumentException.class, () -> new NnWorkerDemo(0, 10, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new NnWorkerDemo(1, 2, 3, 1));
    }
}
