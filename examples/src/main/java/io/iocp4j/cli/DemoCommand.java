package io.iocp4j.cli;

import io.iocp4j.examples.echo.EchoClient;
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
 * {@code ./iocp4j demo}: shows the library working on this machine with figures measured now: the IOCP echo server
 * (AcceptEx, GetQueuedCompletionStatus workers, WSARecv/WSASend) driven by concurrent clients that verify every
 * byte, next to the JDK's NIO.2 echo server under the same load (each server in a JVM of its own, {@link DemoServer});
 * then a worker pool fed by PostQueuedCompletionStatus next to the same hand-off through LinkedTransferQueue.
 */
final class DemoCommand implements Main.Command {
    private static final int WORKERS = 4;
    private static final int WARM_UP_SECONDS = 2;
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
        echo(args.length > 0 ? Double.parseDouble(args[0]) : 3);
        long seconds = 2;
        System.out.printf("%nTask hand-off: 1 producer -> %d worker threads, %d s each%n", WORKERS, seconds);
        double port = portHandOff(seconds);
        double ltq = queueHandOff(seconds);
        System.out.printf("  completion port (PostQueued -> GetQueued)  %,12.0f packets/s%n", port);
        System.out.printf("  LinkedTransferQueue (put -> take)          %,12.0f items/s%n", ltq);
        System.out.printf("  ratio port / LinkedTransferQueue           %12.2f%n", port / ltq);
        return 0;
    }

    /**
     * The same echo load against the IOCP server and the NIO.2 server, both running (each in a JVM of its own) and
     * measured in alternation: this machine's speed drifts by tens of per cent within a minute, so one run of each
     * after the other would compare moments as much as servers. Each server and the client are warmed up first
     * (not counted), so that neither side is measured while the JIT compiles it; the ratio takes each server's
     * better round.
     */
    private static void echo(double seconds) throws Exception {
        int connections = 50;
        int size = 256;
        int pipeline = 2;
        int rounds = 2;
        int threads = Runtime.getRuntime().availableProcessors();
        System.out.printf("%nEcho over 127.0.0.1: %d connections x %d-byte messages, %d in flight each, every byte "
                + "verified; %d rounds of %.0f s per server, alternating, after a %d s warm-up%n", connections, size,
                pipeline, rounds, seconds, WARM_UP_SECONDS);
        try (DemoServer iocpServer = DemoServer.start("iocp4j", threads);
             DemoServer nioServer = DemoServer.start("nio2", threads)) {
            DemoServer[] servers = {iocpServer, nioServer};
            String[] names = {"iocp4j IOCP echo server (AcceptEx + GQCS workers)", "JDK NIO.2 AsynchronousServerSocket"
                    + "Channel echo server"};
            double[] best = new double[servers.length];
            for (DemoServer server : servers) {
                run(server.port(), connections, size, pipeline, WARM_UP_SECONDS);
            }
            for (int round = 1; round <= rounds; round++) {
                for (int i = 0; i < servers.length; i++) {
                    EchoClient.Result r = run(servers[i].port(), connections, size, pipeline, seconds);
                    System.out.printf(" round %d  %s:%n   %s%n", round, names[i], r);
                    best[i] = Math.max(best[i], r.messagesPerSecond());
                }
            }
            System.out.printf(" throughput ratio iocp4j / NIO.2: %.2f   (each server's better round; same client, same "
                    + "machine; %d cores shared by client and servers)%n", best[0] / best[1], threads);
        }
    }

    /** One run of the echo client; any echo error ends the demo. */
    private static EchoClient.Result run(int port, int connections, int size, int pipeline, double seconds)
            throws InterruptedException {
        EchoClient.Result r = new EchoClient(connections, size, pipeline).run("127.0.0.1", port, seconds, null);
        if (r.errors() > 0) {
            throw new IllegalStateException("echo errors: " + r);
        }
        return r;
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
