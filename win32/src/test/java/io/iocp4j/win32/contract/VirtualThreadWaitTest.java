package io.iocp4j.win32.contract;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.LARGE_INTEGER;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinError.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 4: every blocking wait parks a virtual thread without pinning its carrier. Far more virtual threads than
 * carriers (one per core here) block at once; if a wait pinned its carrier, the others could never start
 * waiting and the test would time out. JFR's jdk.VirtualThreadPinned events are counted as well.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class VirtualThreadWaitTest {
    private static final int THREADS = 200;
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    @DisplayName("GQCS-14 200 virtual threads block at once in event, timer, port, SleepEx and multi-object waits, none pinned")
    void waitsDoNotPinCarriers() throws Exception {
        HANDLE event = t.track(CreateEvent(null, true, false, null));
        HANDLE timer = t.track(CreateWaitableTimer(null, true, null));
        HANDLE port = t.port();
        HANDLE other = t.track(CreateEvent(null, true, false, null));
        List<IntSupplier> waits = List.of(
                () -> WaitForSingleObject(event, INFINITE),
                () -> WaitForSingleObject(timer, INFINITE),
                () -> WaitForMultipleObjects(2, new HANDLE[] {other, event}, false, INFINITE),
                () -> GetQueuedCompletionStatus(port, new DWORDByReference(), new ULONG_PTRByReference(),
                        new OVERLAPPEDByReference(), INFINITE) ? 1 : 0,
                () -> SleepEx(INFINITE, true));

        AtomicInteger pinned = new AtomicInteger();
        try (RecordingStream jfr = new RecordingStream()) {
            jfr.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            jfr.onEvent("jdk.VirtualThreadPinned", e -> pinned.incrementAndGet());
            jfr.startAsync();

            CountDownLatch started = new CountDownLatch(THREADS);
            AtomicInteger finished = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < THREADS; i++) {
                IntSupplier wait = waits.get(i % waits.size());
                threads.add(Thread.ofVirtual().start(() -> {
                    started.countDown();
                    wait.getAsInt();
                    finished.incrementAndGet();
                }));
            }
            assertTrue(started.await(20, TimeUnit.SECONDS), "every virtual thread got to run while others wait");
            Sleep(100);
            assertEquals(0, finished.get(), "nothing released yet");

            SetEvent(event);
            assertTrue(SetWaitableTimer(timer, new LARGE_INTEGER(-10_000), 0, null, null, false));
            for (int i = 0; i < THREADS / waits.size(); i++) {
                assertTrue(PostQueuedCompletionStatus(port, 0, i, null));
            }
            for (int i = 4; i < THREADS; i += waits.size()) {
                Thread target = threads.get(i);
                io.iocp4j.Apcs.queue(target, () -> { });
            }
            for (Thread th : threads) {
                assertTrue(th.join(Duration.ofSeconds(20)), th + " still waiting");
            }
            assertEquals(THREADS, finished.get());
            jfr.stop();
        }
        assertEquals(0, pinned.get(), "jdk.VirtualThreadPinned events");
    }
}
