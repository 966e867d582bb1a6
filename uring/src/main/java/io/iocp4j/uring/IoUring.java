package io.iocp4j.uring;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.NativeException;
import io.iocp4j.linux.Syscalls;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One io_uring: setup, the ring mappings, submission and waiting, teardown. Not thread-safe: one owning thread
 * submits and reaps (in iocp4j, the engine's driver thread). Mirrors liburing's {@code io_uring_queue_init_params}
 * and {@code io_uring_mmap}: every ring pointer is computed once from the offsets the kernel returned.
 */
public final class IoUring implements AutoCloseable {
    /** Test hook: make setup behave as if the kernel refused with this errno (name like EPERM, or a number). */
    public static final String SIMULATE_SETUP_ERRNO = "iocp4j.uring.simulateSetupErrno";
    /** Test hook, as {@link #SIMULATE_SETUP_ERRNO}: {@link #enable} fails with this errno without asking the kernel. */
    public static final String SIMULATE_ENABLE_ERRNO = "iocp4j.uring.simulateEnableErrno";

    private final Arena arena;
    private final int fd;
    private final int features;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    /** struct io_uring_getevents_arg (24 bytes) + __kernel_timespec (16 bytes), reused by timed waits. */
    private final MemorySegment waitArg;
    private final long ringLength;
    private final long ringAddress;
    private final long cqRingLength;
    private final long cqRingAddress;
    private final long sqesLength;
    private final long sqesAddress;
    /** IORING_ENTER_GETEVENTS with DEFER_TASKRUN: completions are only posted when the issuer asks for events. */
    private final int submitFlags;
    private final int setupFlags;
    private Probe probe;
    /** The argument of a buffer registration (a 32-byte struct + one iovec), made on first use and reused. */
    private MemorySegment registerArg;
    private boolean closed;

    private IoUring(Arena arena, int fd, int setupFlags, int features, SubmissionQueue sq, CompletionQueue cq,
                    MemorySegment waitArg, long[] maps) {
        this.arena = arena;
        this.setupFlags = setupFlags;
        this.submitFlags = (setupFlags & Flags.IORING_SETUP_DEFER_TASKRUN) != 0 ? Flags.IORING_ENTER_GETEVENTS : 0;
        this.fd = fd;
        this.features = features;
        this.sq = sq;
        this.cq = cq;
        this.waitArg = waitArg;
        this.ringAddress = maps[0];
        this.ringLength = maps[1];
        this.cqRingAddress = maps[2];
        this.cqRingLength = maps[3];
        this.sqesAddress = maps[4];
        this.sqesLength = maps[5];
    }

    /**
     * Sets up a ring of {@code entries} SQEs and 4x as many CQEs (so bursts of completions rarely overflow;
     * IORING_FEAT_NODROP, required here, keeps an overflow lossless). Throws IoUringUnavailableException when the
     * kernel refuses io_uring (ENOSYS, EPERM, EACCES), NativeException for other failures.
     */
    public static IoUring setup(int entries, int flags) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment p = arena.allocate(ParamsLayout.SIZE, 8);
            p.set(JAVA_INT, ParamsLayout.FLAGS, flags | Flags.IORING_SETUP_CQSIZE | Flags.IORING_SETUP_CLAMP);
            p.set(JAVA_INT, ParamsLayout.CQ_ENTRIES, entries * 4);
            int fd = simulatedErrno(SIMULATE_SETUP_ERRNO);
            if (fd == 0) {
                fd = Syscalls.ioUringSetup(entries, p);
            }
            if (fd < 0) {
                throw failure(-fd);
            }
            int features = p.get(JAVA_INT, ParamsLayout.FEATURES);
            if ((features & Features.IORING_FEAT_NODROP) == 0) {
                Syscalls.close(fd);
                throw new IoUringUnavailableException(Errno.ENOSYS, "this kernel's io_uring (Linux "
                        + KernelInfo.release() + ") lacks IORING_FEAT_NODROP, so completions could be lost",
                        "run on Linux 5.11 or later");
            }
            return map(arena, fd, flags, p, features);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static int simulatedErrno(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            return 0;
        }
        return -switch (v.trim()) {
            case "EPERM" -> Errno.EPERM;
            case "ENOSYS" -> Errno.ENOSYS;
            case "EACCES" -> Errno.EACCES;
            case "ENOMEM" -> Errno.ENOMEM;
            default -> Integer.parseInt(v.trim());
        };
    }

    private static RuntimeException failure(int errno) {
        return switch (errno) {
            case Errno.ENOSYS, Errno.EPERM, Errno.EACCES -> IoUringUnavailableException.refused(errno);
            default -> new NativeException("io_uring_setup", errno);
        };
    }

    private static IoUring map(Arena arena, int fd, int setupFlags, MemorySegment p, int features) {
        int sqEntries = p.get(JAVA_INT, ParamsLayout.SQ_ENTRIES);
        int cqEntries = p.get(JAVA_INT, ParamsLayout.CQ_ENTRIES);
        long sqRingSize = p.get(JAVA_INT, ParamsLayout.SQ_ARRAY) + 4L * sqEntries;
        long cqRingSize = p.get(JAVA_INT, ParamsLayout.CQ_CQES) + CqeLayout.SIZE * cqEntries;
        boolean single = (features & Features.IORING_FEAT_SINGLE_MMAP) != 0;
        long[] maps = new long[6];
        try {
            long sqSize = single ? Math.max(sqRingSize, cqRingSize) : sqRingSize;
            maps[0] = mmap(fd, sqSize, ParamsLayout.IORING_OFF_SQ_RING);
            maps[1] = sqSize;
            if (single) {
                maps[2] = maps[0];
            } else {
                maps[2] = mmap(fd, cqRingSize, ParamsLayout.IORING_OFF_CQ_RING);
                maps[3] = cqRingSize;
            }
            maps[5] = SqeLayout.SIZE * sqEntries;
            maps[4] = mmap(fd, maps[5], ParamsLayout.IORING_OFF_SQES);
        } catch (NativeException e) {
            unmap(maps);
            Syscalls.close(fd);
            throw e;
        }
        MemorySegment sqRing = MemorySegment.ofAddress(maps[0]).reinterpret(maps[1], arena, null);
        MemorySegment cqRing = MemorySegment.ofAddress(maps[2]).reinterpret(single ? maps[1] : maps[3], arena, null);
        MemorySegment sqes = MemorySegment.ofAddress(maps[4]).reinterpret(maps[5], arena, null);
        SubmissionQueue sq = new SubmissionQueue(sqRing, sqes,
                p.get(JAVA_INT, ParamsLayout.SQ_HEAD), p.get(JAVA_INT, ParamsLayout.SQ_TAIL),
                p.get(JAVA_INT, ParamsLayout.SQ_FLAGS), p.get(JAVA_INT, ParamsLayout.SQ_ARRAY),
                sqRing.get(JAVA_INT, p.get(JAVA_INT, ParamsLayout.SQ_RING_MASK)), sqEntries);
        CompletionQueue cq = new CompletionQueue(cqRing,
                p.get(JAVA_INT, ParamsLayout.CQ_HEAD), p.get(JAVA_INT, ParamsLayout.CQ_TAIL),
                p.get(JAVA_INT, ParamsLayout.CQ_CQES),
                cqRing.get(JAVA_INT, p.get(JAVA_INT, ParamsLayout.CQ_RING_MASK)), cqEntries);
        MemorySegment waitArg = arena.allocate(40, 8);
        return new IoUring(arena, fd, setupFlags, features, sq, cq, waitArg, maps);
    }

    private static long mmap(int fd, long length, long offset) {
        long a = Syscalls.mmap(length, Syscalls.PROT_READ | Syscalls.PROT_WRITE,
                Syscalls.MAP_SHARED | Syscalls.MAP_POPULATE, fd, offset);
        if (a < 0 && a > -4096) {
            throw new NativeException("mmap", (int) -a);
        }
        return a;
    }

    private static void unmap(long[] maps) {
        if (maps[0] != 0) {
            Syscalls.munmap(maps[0], maps[1]);
        }
        if (maps[2] != 0 && maps[2] != maps[0]) {
            Syscalls.munmap(maps[2], maps[3]);
        }
        if (maps[4] != 0) {
            Syscalls.munmap(maps[4], maps[5]);
        }
    }

    public int fd() {
        return fd;
    }

    /** The IORING_SETUP_* flags asked for at setup (besides CQSIZE and CLAMP, always set). */
    public int setupFlags() {
        return setupFlags;
    }

    public int features() {
        return features;
    }

    public int sqEntries() {
        return sq.entries();
    }

    public int cqEntries() {
        return cq.entries();
    }

    public SubmissionQueue sq() {
        ensureOpen();
        return sq;
    }

    public CompletionQueue cq() {
        ensureOpen();
        return cq;
    }

    /**
     * Publishes the pending SQEs and enters the kernel to submit them; retries EINTR. Returns how many were
     * submitted, or -errno: with -EAGAIN or -EBUSY the caller must reap CQEs (the CQ or its overflow is full) and
     * try again.
     */
    public int submit() {
        ensureOpen();
        int toSubmit = sq.flush();
        if (toSubmit == 0) {
            return 0;
        }
        int r;
        do {
            r = Syscalls.ioUringEnter(fd, toSubmit, 0, submitFlags, 0, 0);
        } while (r == -Errno.EINTR);
        return r;
    }

    /**
     * IORING_REGISTER_ENABLE_RINGS for a ring set up with IORING_SETUP_R_DISABLED: with SINGLE_ISSUER, the calling
     * thread becomes the only one that may submit. Returns 0 or -errno.
     */
    public int enable() {
        ensureOpen();
        int simulated = simulatedErrno(SIMULATE_ENABLE_ERRNO);
        if (simulated != 0) {
            return simulated;
        }
        return Syscalls.ioUringRegister(fd, Flags.IORING_REGISTER_ENABLE_RINGS, MemorySegment.NULL, 0);
    }

    /**
     * Submits and waits until at least {@code minComplete} CQEs are ready; entering with GETEVENTS also flushes a
     * CQ overflow into the ring. Returns submitted or -errno (-EINTR returns: the caller loops).
     */
    public int submitAndWait(int minComplete) {
        ensureOpen();
        int toSubmit = sq.flush();
        return Syscalls.ioUringEnter(fd, toSubmit, minComplete, Flags.IORING_ENTER_GETEVENTS, 0, 0);
    }

    /** As {@link #submitAndWait(int)}, giving up after {@code timeoutNanos} with -ETIME. Allocates nothing. */
    public int submitAndWait(int minComplete, long timeoutNanos) {
        ensureOpen();
        // struct io_uring_getevents_arg { u64 sigmask; u32 sigmask_sz; u32 min_wait_usec; u64 ts; } + the timespec.
        waitArg.set(JAVA_LONG, 24, timeoutNanos / 1_000_000_000L);
        waitArg.set(JAVA_LONG, 32, timeoutNanos % 1_000_000_000L);
        waitArg.set(JAVA_LONG, 0, 0L);
        waitArg.set(JAVA_INT, 8, 0);
        waitArg.set(JAVA_INT, 12, 0);
        waitArg.set(JAVA_LONG, 16, waitArg.address() + 24);
        int toSubmit = sq.flush();
        return Syscalls.ioUringEnter(fd, toSubmit, minComplete,
                Flags.IORING_ENTER_GETEVENTS | Flags.IORING_ENTER_EXT_ARG, waitArg.address(), 24);
    }

    /**
     * Creates a table of {@code slots} empty fixed-buffer slots (IORING_REGISTER_BUFFERS2, sparse: Linux 5.19),
     * filled one at a time by {@link #updateBuffer}. Returns 0 or -errno. With SINGLE_ISSUER only the issuer may
     * call this.
     */
    public int registerBufferSlots(int slots) {
        MemorySegment arg = registerArg();
        // struct io_uring_rsrc_register { u32 nr; u32 flags; u64 resv2; u64 data; u64 tags; }
        arg.set(JAVA_INT, 0, slots);
        arg.set(JAVA_INT, 4, Flags.IORING_RSRC_REGISTER_SPARSE);
        arg.set(JAVA_LONG, 8, 0L);
        arg.set(JAVA_LONG, 16, 0L);
        arg.set(JAVA_LONG, 24, 0L);
        return Syscalls.ioUringRegister(fd, Flags.IORING_REGISTER_BUFFERS2, arg, 32);
    }

    /**
     * Puts {@code address..address+length} in fixed-buffer slot {@code slot}, pinning its pages (counted against
     * RLIMIT_MEMLOCK without CAP_IPC_LOCK), or empties the slot when {@code address} and {@code length} are 0; the
     * kernel lets go of the old pages once no request in flight uses them. Returns 0 or -errno.
     */
    public int updateBuffer(int slot, long address, long length) {
        MemorySegment arg = registerArg();
        // struct io_uring_rsrc_update2 { u32 offset; u32 resv; u64 data; u64 tags; u32 nr; u32 resv2; }, then the iovec
        arg.set(JAVA_INT, 0, slot);
        arg.set(JAVA_INT, 4, 0);
        arg.set(JAVA_LONG, 8, arg.address() + 32);
        arg.set(JAVA_LONG, 16, 0L);
        arg.set(JAVA_INT, 24, 1);
        arg.set(JAVA_INT, 28, 0);
        arg.set(JAVA_LONG, 32, address);
        arg.set(JAVA_LONG, 40, length);
        int r = Syscalls.ioUringRegister(fd, Flags.IORING_REGISTER_BUFFERS_UPDATE, arg, 32);
        return r < 0 ? r : 0;  // the kernel answers with the number of slots updated
    }

    /**
     * Registers {@code ring} (page-aligned, {@code entries} x 16 bytes, entries a power of two) as provided-buffer
     * group {@code group} (IORING_REGISTER_PBUF_RING, Linux 5.19); {@link BufferRing} fills it. Returns 0 or -errno.
     */
    public int registerBufferRing(MemorySegment ring, int entries, int group) {
        MemorySegment arg = registerArg();
        // struct io_uring_buf_reg { u64 ring_addr; u32 ring_entries; u16 bgid; u16 flags; u64 resv[3]; }
        arg.fill((byte) 0);
        arg.set(JAVA_LONG, 0, ring.address());
        arg.set(JAVA_INT, 8, entries);
        arg.set(JAVA_SHORT, 12, (short) group);
        return Syscalls.ioUringRegister(fd, Flags.IORING_REGISTER_PBUF_RING, arg, 1);
    }

    /** Takes provided-buffer group {@code group} back; requests still in flight that select from it fail. */
    public int unregisterBufferRing(int group) {
        MemorySegment arg = registerArg();
        arg.fill((byte) 0);
        arg.set(JAVA_SHORT, 12, (short) group);
        return Syscalls.ioUringRegister(fd, Flags.IORING_UNREGISTER_PBUF_RING, arg, 1);
    }

    private MemorySegment registerArg() {
        ensureOpen();
        if (registerArg == null) {
            registerArg = arena.allocate(48, 8);
        }
        return registerArg;
    }

    /** Whether the kernel holds completions that did not fit the CQ (IORING_SQ_CQ_OVERFLOW). */
    public boolean cqOverflowPending() {
        return (sq.flags() & Flags.IORING_SQ_CQ_OVERFLOW) != 0;
    }

    /** The opcodes this kernel supports (IORING_REGISTER_PROBE), read once. */
    public Probe probe() {
        ensureOpen();
        if (probe == null) {
            probe = Probe.read(fd);
        }
        return probe;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("io_uring " + fd + " is closed");
        }
    }

    /** Unmaps the rings and closes the fd; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        unmap(new long[] {ringAddress, ringLength, cqRingAddress, cqRingLength, sqesAddress, sqesLength});
        Syscalls.close(fd);
    }

    @Override
    public String toString() {
        return "IoUring[fd=" + fd + ", sq=" + sq.entries() + ", cq=" + cq.entries() + (closed ? ", closed" : "") + "]";
    }
}
