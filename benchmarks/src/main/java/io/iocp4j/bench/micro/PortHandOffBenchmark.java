package io.iocp4j.bench.micro;

import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPEDByReference;
import io.iocp4j.win32.ULONG_PTRByReference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;

/**
 * PostQueuedCompletionStatus -> GetQueuedCompletionStatus: the round trip on one thread, and the hand-off across
 * threads, beside LinkedTransferQueue carrying the same payload in the same run. Run with {@code -prof gc} to
 * check that a packet allocates nothing.
 *
 * <p>Cross-thread: a ping-pong pair, each side blocking in its wait, so one operation is two hand-offs and two
 * wake-ups; the same shape with two LinkedTransferQueues is the reference.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PortHandOffBenchmark {
    private static final Object PAYLOAD = new Object();

    /** Per-thread out-parameters, allocated once. */
    @State(Scope.Thread)
    public static class Outs {
        final DWORDByReference bytes = new DWORDByReference();
        final ULONG_PTRByReference key = new ULONG_PTRByReference();
        final OVERLAPPEDByReference ov = new OVERLAPPEDByReference();
    }

    /** Two ports (and two queues) shared by a ping-pong pair: ping posts to the first, pong answers on the second. */
    @State(Scope.Group)
    public static class Pair {
        HANDLE there;
        HANDLE back;
        LinkedTransferQueue<Object> queueThere;
        LinkedTransferQueue<Object> queueBack;

        @Setup(Level.Trial)
        public void open() {
            there = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
            back = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
            queueThere = new LinkedTransferQueue<>();
            queueBack = new LinkedTransferQueue<>();
        }

        @TearDown(Level.Trial)
        public void close() {
            // Closing releases a side still blocked when the other stopped (GQCS-7).
            CloseHandle(there);
            CloseHandle(back);
        }
    }

    /** A port owned by one thread. */
    @State(Scope.Thread)
    public static class OwnPort {
        HANDLE port;

        @Setup(Level.Trial)
        public void open() {
            port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        }

        @TearDown(Level.Trial)
        public void close() {
            CloseHandle(port);
        }
    }

    @Benchmark
    public boolean portRoundTripSameThread(OwnPort p, Outs o) {
        PostQueuedCompletionStatus(p.port, 1, PAYLOAD, null);
        return GetQueuedCompletionStatus(p.port, o.bytes, o.key, o.ov, 0);
    }

    @Benchmark
    @Group("portPingPong")
    @GroupThreads(1)
    public boolean portPing(Pair p, Outs o) {
        PostQueuedCompletionStatus(p.there, 1, PAYLOAD, null);
        return GetQueuedCompletionStatus(p.back, o.bytes, o.key, o.ov, 1000);
    }

    @Benchmark
    @Group("portPingPong")
    @GroupThreads(1)
    public boolean portPong(Pair p, Outs o) {
        boolean got = GetQueuedCompletionStatus(p.there, o.bytes, o.key, o.ov, 1000);
        PostQueuedCompletionStatus(p.back, 1, PAYLOAD, null);
        return got;
    }

    @Benchmark
    public Object queueRoundTripSameThread(OwnQueue q) {
        q.queue.put(PAYLOAD);
        return q.queue.poll();
    }

    @Benchmark
    @Group("queuePingPong")
    @GroupThreads(1)
    public Object queuePing(Pair p) throws InterruptedException {
        p.queueThere.put(PAYLOAD);
        return p.queueBack.poll(1, TimeUnit.SECONDS);
    }

    @Benchmark
    @Group("queuePingPong")
    @GroupThreads(1)
    public Object queuePong(Pair p) throws InterruptedException {
        Object got = p.queueThere.poll(1, TimeUnit.SECONDS);
        p.queueBack.put(PAYLOAD);
        return got;
    }

    /** A queue owned by one thread. */
    @State(Scope.Thread)
    public static class OwnQueue {
        final LinkedTransferQueue<Object> queue = new LinkedTransferQueue<>();
    }
}
