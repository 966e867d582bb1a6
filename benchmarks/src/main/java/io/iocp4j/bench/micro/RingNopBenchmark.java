package io.iocp4j.bench.micro;

import io.iocp4j.uring.CompletionHandler;
import io.iocp4j.uring.IoUring;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The ring's own cost: one IORING_OP_NOP written, submitted, waited for and reaped, one at a time (a syscall per
 * operation) and 32 at a time (one syscall per batch). Allocation should be 0 B/op ({@code -prof gc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingNopBenchmark implements CompletionHandler {
    private static final int BATCH = 32;

    private IoUring ring;
    private long reaped;

    @Setup(Level.Trial)
    public void setUp() {
        ring = IoUring.setup(256, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
    }

    @Override
    public void handle(long userData, int res, int flags) {
        reaped += userData;
    }

    @Benchmark
    public long nopOneByOne() {
        SubmissionQueue sq = ring.sq();
        Sqe.prepNop(sq.sqes(), sq.next(), 1);
        ring.submitAndWait(1);
        ring.cq().drain(this);
        return reaped;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long nopBatched() {
        SubmissionQueue sq = ring.sq();
        for (int i = 0; i < BATCH; i++) {
            Sqe.prepNop(sq.sqes(), sq.next(), 1);
        }
        ring.submitAndWait(BATCH);
        int n = 0;
        while (n < BATCH) {
            n += ring.cq().drain(this);
        }
        return reaped;
    }
}
