package io.iocp4j.cli;

import io.iocp4j.uring.IoUringAvailability;
import io.iocp4j.uring.KernelInfo;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;

/**
 * {@code ./iocp4j demo}: shows the library working on this machine with figures measured now: a worker pool on a
 * completion port fed by PostQueuedCompletionStatus, side by side with the same hand-off through the JDK's
 * LinkedTransferQueue.
 */
final class DemoCommand implements Main.Command {
    private static final int WORKERS = 4;
    private static final Object STOP = new Object();

    @Override
    public String summary() {
        return "run the library on this machine and print measured figures";
    }

    @Override
    public int run(String[] args) throws Exception {
        System.out.println("iocp4j demo on Linux " + KernelInfo.release() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + Runtime.version());
        if (!IoUringAvailability.isAvailable()) {
            System.out.println(IoUringAvailability.unavailabilityCause().getMessage());
            return 1;
        }
        long seconds = 2;
        System.out.printf("%nTask hand-off: 1 producer -> %d worker threads, %d s each%n", WORKERS, seconds);
        double port = portHandOff(seconds);
        double ltq = queueHandOff(seconds);
        System.out.printf("  completion port (PostQueued -> GetQueued)  %,12.0f packets/s%n", port);
        System.out.printf("  LinkedTransferQueue (put -> take)          %,12.0f items/s%n", ltq);
        System.out.printf("  ratio port / LinkedTransferQueue           %12.2f%n", port / ltq);
        return 0;
    }

    /** A one-way hand-off from the producer to the workers; receive() blocks. */
    private interface HandOff {
        void send(Object item) throws InterruptedException;

        Object receive() throws InterruptedException;
    }

    /** PostQueuedCompletionStatus -> GetQueuedCompletionStatus, the item travelling as the completion key. */
    private static double portHandOff(long seconds) throws InterruptedException {
        HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        if (port == null) {
            throw new IllegalStateException("CreateIoCompletionPort failed: " + GetLastError());
        }
        ThreadLocal<Object[]> outs = ThreadLocal.withInitial(() -> new Object[] {
                new DWORDByReference(), new ULONG_PTRByReference(), new OVERLAPPEDByReference()});
        try {
            return measure(seconds, new HandOff() {
                @Override
                public void send(Object item) {
                    PostQueuedCompletionStatus(port, 1, item, null);
                }

                @Override
                public Object receive() {
                    Object[] o = outs.get();
                    ULONG_PTRByReference key = (ULONG_PTRByReference) o[1];
                    if (!GetQueuedCompletionStatus(port, (DWORDByReference) o[0], key, (OVERLAPPEDByReference) o[2],
                            INFINITE)) {
                        throw new IllegalStateException("GetQueuedCompletionStatus failed: " + GetLastError());
                    }
                    return key.value;
                }
            });
        } finally {
            CloseHandle(port);
        }
    }

    private static double queueHandOff(long seconds) throws InterruptedException {
        LinkedTransferQueue<Object> q = new LinkedTransferQueue<>();
        return measure(seconds, new HandOff() {
            @Override
            public void send(Object item) {
                q.put(item);
            }

            @Override
            public Object receive() throws InterruptedException {
                return q.take();
            }
        });
    }

    /** Sends for {@code seconds}, then one STOP per worker; checks that every item sent was received once. */
    private static double measure(long seconds, HandOff h) throws InterruptedException {
        long[] counts = new long[WORKERS];
        Thread[] workers = new Thread[WORKERS];
        for (int i = 0; i < WORKERS; i++) {
            int id = i;
            workers[i] = Thread.ofPlatform().start(() -> {
                long n = 0;
                try {
                    while (h.receive() != STOP) {
                        n++;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                counts[id] = n;
            });
        }
        Object work = new Object();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                h.send(work);
            }
            sent += 1000;
        }
        for (int i = 0; i < WORKERS; i++) {
            h.send(STOP);
        }
        for (Thread w : workers) {
            w.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long received = 0;
        for (long c : counts) {
            received += c;
        }
        if (received != sent) {
            throw new IllegalStateException("lost items: sent " + sent + ", received " + received);
        }
        return received / elapsed;
    }
}
