package io.iocp4j.uring;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The ring protocol on real rings: layouts, fill and drain, wrap-around, overflow without loss, waits, teardown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoUringTest {
    private final List<IoUring> rings = new ArrayList<>();

    private IoUring ring(int entries) {
        IoUring r = IoUring.setup(entries, 0);
        rings.add(r);
        return r;
    }

    @AfterEach
    void close() {
        rings.forEach(IoUring::close);
    }

    /** Collects CQEs. */
    private static final class Sink implements CompletionHandler {
        final List<Long> userData = new ArrayList<>();
        final List<Integer> results = new ArrayList<>();

        @Override
        public void handle(long ud, int res, int flags) {
            userData.add(ud);
            results.add(res);
        }
    }

    @Test
    @DisplayName("the kernel ABI layouts: SQE 64, CQE 16, params 120 bytes")
    void layouts() {
        assertEquals(64, SqeLayout.SIZE);
        assertEquals(32, SqeLayout.USER_DATA);
        assertEquals(28, SqeLayout.OP_FLAGS);
        assertEquals(16, CqeLayout.SIZE);
        assertEquals(8, CqeLayout.RES);
        assertEquals(120, ParamsLayout.SIZE);
        assertEquals(40, ParamsLayout.SQ_OFF);
        assertEquals(80, ParamsLayout.CQ_OFF);
    }

    @Test
    @DisplayName("a disabled SINGLE_ISSUER + DEFER_TASKRUN ring: the thread that enables it is its only submitter")
    void singleIssuerEnabledByAnotherThread() throws Exception {
        IoUring r = IoUring.setup(8, Flags.IORING_SETUP_R_DISABLED | Flags.IORING_SETUP_SINGLE_ISSUER
                | Flags.IORING_SETUP_DEFER_TASKRUN);
        rings.add(r);
        int[] results = new int[3];
        Sink sink = new Sink();
        Thread issuer = Thread.ofPlatform().start(() -> {
            results[0] = r.enable();
            SubmissionQueue sq = r.sq();
            Sqe.prepNop(sq.sqes(), sq.next(), 7);
            results[1] = r.submitAndWait(1);
            results[2] = r.cq().drain(sink);
        });
        issuer.join();
        assertEquals(0, results[0], "IORING_REGISTER_ENABLE_RINGS");
        assertEquals(1, results[1]);
        assertEquals(1, results[2]);
        assertEquals(List.of(7L), sink.userData);
        SubmissionQueue sq = r.sq();
        Sqe.prepNop(sq.sqes(), sq.next(), 8);
        assertEquals(-Errno.EEXIST, r.submitAndWait(1), "another thread may not submit");
        assertEquals(-Errno.EEXIST, r.enable(), "nor register: everything goes through the issuer");
    }

    @Test
    @DisplayName("a NOP round trip keeps user_data across its whole range; CQ is 4x the SQ")
    void nopUserData() {
        IoUring r = ring(8);
        assertEquals(8, r.sqEntries());
        assertEquals(32, r.cqEntries());
        long[] values = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x8000000000000001L, 42};
        for (long v : values) {
            SubmissionQueue sq = r.sq();
            Sqe.prepNop(sq.sqes(), sq.next(), v);
        }
        assertEquals(values.length, r.submitAndWait(values.length));
        Sink sink = new Sink();
        assertEquals(values.length, r.cq().drain(sink));
        for (int i = 0; i < values.length; i++) {
            assertEquals(values[i], sink.userData.get(i));
            assertEquals(0, sink.results.get(i));
        }
    }

    @Test
    @DisplayName("the SQ fills exactly: entries + 1 gives -1; after submitting there is room again")
    void sqFull() {
        IoUring r = ring(8);
        SubmissionQueue sq = r.sq();
        for (int i = 0; i < 8; i++) {
            long off = sq.next();
            assertTrue(off >= 0);
            Sqe.prepNop(sq.sqes(), off, i);
        }
        assertEquals(-1, sq.next());
        assertEquals(0, sq.space());
        assertEquals(8, sq.pending());
        assertEquals(8, r.submitAndWait(8));
        assertEquals(8, sq.space());
        assertEquals(8, r.cq().drain(new Sink()));
    }

    @Test
    @DisplayName("wrap-around: 10,000 NOPs through an 8-entry ring, each completes once")
    void wrapAround() {
        IoUring r = ring(8);
        Set<Long> seen = new HashSet<>();
        long next = 0;
        while (next < 10_000) {
            SubmissionQueue sq = r.sq();
            for (long off; next < 10_000 && (off = sq.next()) >= 0; next++) {
                Sqe.prepNop(sq.sqes(), off, next);
            }
            assertTrue(r.submitAndWait(1) >= 0);
            r.cq().drain((ud, res, flags) -> assertTrue(seen.add(ud), "duplicate " + ud));
        }
        while (seen.size() < 10_000) {
            r.submitAndWait(1);
            r.cq().drain((ud, res, flags) -> assertTrue(seen.add(ud), "duplicate " + ud));
        }
        assertEquals(10_000, seen.size());
    }

    @Test
    @DisplayName("CQ overflow with NODROP: 3x more completions than the CQ holds, none lost or repeated")
    void overflowWithoutLoss() {
        IoUring r = ring(4);  // CQ of 16
        int total = r.cqEntries() * 3;
        Set<Long> seen = new HashSet<>();
        int submitted = 0;
        while (submitted < total) {
            SubmissionQueue sq = r.sq();
            for (long off; submitted < total && (off = sq.next()) >= 0; submitted++) {
                Sqe.prepNop(sq.sqes(), off, submitted);
            }
            int s = r.submit();
            assertTrue(s >= 0 || s == -Errno.EBUSY || s == -Errno.EAGAIN, "submit: " + s);
        }
        assertTrue(r.cqOverflowPending(), "the CQ overflowed into the kernel's list");
        while (seen.size() < total) {
            r.submitAndWait(0);  // entering with GETEVENTS flushes the overflow list into the CQ
            r.cq().drain((ud, res, flags) -> assertTrue(seen.add(ud), "duplicate " + ud));
        }
        assertEquals(total, seen.size());
        assertFalse(r.cqOverflowPending());
    }

    @Test
    @DisplayName("a timed wait on an empty ring returns -ETIME after about the time asked")
    void timedWait() {
        IoUring r = ring(4);
        long t0 = System.nanoTime();
        assertEquals(-Errno.ETIME, r.submitAndWait(1, 100_000_000L));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 90 && ms < 5000, "waited " + ms + " ms");
    }

    private static byte[] pattern(int n) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 7);
        }
        return data;
    }

    /** A file in {@code dir} holding {@code data}, open for reading; the caller closes the fd. */
    private static int openWith(Path dir, byte[] data) throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, data);
        int fd = io.iocp4j.linux.Files.open(f.toString(), io.iocp4j.linux.Files.O_RDONLY, 0);
        assertTrue(fd >= 0, () -> "open: " + fd);
        return fd;
    }

    @Test
    @DisplayName("fixed buffers: a read into a registered slot lands in its memory; an emptied slot is refused")
    void fixedBufferRead(@TempDir Path dir) throws Exception {
        byte[] data = pattern(8192);
        int fd = openWith(dir, data);
        try {
            IoUring r = ring(4);
            assertEquals(0, r.registerBufferSlots(4));
            MemorySegment region = Arena.ofAuto().allocate(16384, 4096);
            assertEquals(0, r.updateBuffer(2, region.address(), region.byteSize()));
            SubmissionQueue sq = r.sq();
            Sqe.prepReadFixed(sq.sqes(), sq.next(), fd, region.address() + 4096, 4096, 4096, 2, 9);
            r.submitAndWait(1);
            Sink sink = new Sink();
            r.cq().drain(sink);
            assertEquals(List.of(4096), sink.results);
            assertEquals(-1, MemorySegment.ofArray(data).asSlice(4096).mismatch(region.asSlice(4096, 4096)));

            Sqe.prepReadFixed(sq.sqes(), sq.next(), fd, region.address() + 12288, 8192, 0, 2, 10);
            r.submitAndWait(1);
            r.cq().drain(sink);
            assertEquals(-Errno.EFAULT, sink.results.get(1), "a range that leaves the buffer");

            assertEquals(0, r.updateBuffer(2, 0, 0));
            Sqe.prepReadFixed(sq.sqes(), sq.next(), fd, region.address(), 4096, 0, 2, 11);
            r.submitAndWait(1);
            r.cq().drain(sink);
            assertEquals(-Errno.EFAULT, sink.results.get(2), "an emptied slot");
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    @DisplayName("a real read of a temp file through the ring")
    void readFile(@TempDir Path dir) throws Exception {
        byte[] data = pattern(5000);
        int fd = openWith(dir, data);
        try {
            IoUring r = ring(4);
            MemorySegment buf = Arena.ofAuto().allocate(4096);
            SubmissionQueue sq = r.sq();
            Sqe.prepRead(sq.sqes(), sq.next(), fd, buf.address(), 4096, 1000, 7);
            r.submitAndWait(1);
            Sink sink = new Sink();
            r.cq().drain(sink);
            assertEquals(4000, sink.results.getFirst(), "a read crossing EOF returns what there is");
            for (int i = 0; i < 4000; i += 111) {
                assertEquals(data[1000 + i], buf.get(ValueLayout.JAVA_BYTE, i));
            }
        } finally {
            Syscalls.close(fd);
        }
    }

    @Test
    @DisplayName("an eventfd read completes when another thread writes it")
    void eventfdWakeUp() throws Exception {
        IoUring r = ring(4);
        int efd = Syscalls.eventfd(0, Syscalls.EFD_CLOEXEC);
        assertTrue(efd >= 0);
        try {
            MemorySegment buf = Arena.ofAuto().allocate(8);
            SubmissionQueue sq = r.sq();
            Sqe.prepRead(sq.sqes(), sq.next(), efd, buf.address(), 8, 0, 99);
            r.submit();
            Thread writer = Thread.ofPlatform().start(() -> {
                MemorySegment one = Arena.ofAuto().allocate(8);
                one.set(ValueLayout.JAVA_LONG, 0, 5L);
                Syscalls.write(efd, one, 8);
            });
            r.submitAndWait(1);
            Sink sink = new Sink();
            r.cq().drain(sink);
            assertEquals(99L, sink.userData.getFirst());
            assertEquals(8, sink.results.getFirst());
            assertEquals(5L, buf.get(ValueLayout.JAVA_LONG, 0));
            writer.join();
        } finally {
            Syscalls.close(efd);
        }
    }

    @Test
    @DisplayName("the probe reports the opcodes iocp4j relies on")
    void probe() {
        Probe p = ring(4).probe();
        for (int op : new int[] {Opcodes.IORING_OP_NOP, Opcodes.IORING_OP_READ, Opcodes.IORING_OP_WRITE,
                Opcodes.IORING_OP_SENDMSG, Opcodes.IORING_OP_RECVMSG, Opcodes.IORING_OP_ACCEPT,
                Opcodes.IORING_OP_CONNECT, Opcodes.IORING_OP_ASYNC_CANCEL, Opcodes.IORING_OP_POLL_ADD,
                Opcodes.IORING_OP_SEND, Opcodes.IORING_OP_RECV, Opcodes.IORING_OP_SHUTDOWN}) {
            assertTrue(p.supports(op), Opcodes.name(op));
        }
        assertFalse(p.supports(255));
        assertTrue(p.lastOp() >= Opcodes.IORING_OP_SHUTDOWN);
    }

    @Test
    @DisplayName("use after close throws IllegalStateException; close is idempotent; toString still works")
    void useAfterClose() {
        IoUring r = IoUring.setup(4, 0);
        r.close();
        r.close();
        assertThrows(IllegalStateException.class, r::sq);
        assertThrows(IllegalStateException.class, r::submit);
        assertTrue(r.toString().contains("closed"));
    }

    @Test
    @DisplayName("a simulated EPERM/ENOSYS gives IoUringUnavailableException with cause and remedy; clearing it works")
    void simulatedRefusal() {
        for (String errno : new String[] {"EPERM", "ENOSYS"}) {
            System.setProperty(IoUring.SIMULATE_SETUP_ERRNO, errno);
            try {
                IoUringUnavailableException e = assertThrows(IoUringUnavailableException.class,
                        () -> IoUring.setup(4, 0));
                assertEquals(errno.equals("EPERM") ? Errno.EPERM : Errno.ENOSYS, e.errno());
                assertTrue(e.getMessage().contains(errno), e.getMessage());
                assertTrue(e.getMessage().contains("Remedy"), e.getMessage());
                assertFalse(e.remedy().isBlank());
            } finally {
                System.clearProperty(IoUring.SIMULATE_SETUP_ERRNO);
            }
        }
        ring(4);
    }
}
