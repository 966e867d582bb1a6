package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoServer;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.linux.Syscalls;
import io.iocp4j.uring.BufferRing;
import io.iocp4j.uring.CompletionHandler;
import io.iocp4j.uring.Flags;
import io.iocp4j.uring.IoUring;
import io.iocp4j.uring.Sqe;
import io.iocp4j.uring.SubmissionQueue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The reference for what the IOCP layer costs: an echo server written straight on the project's ring layer, as a
 * C program on liburing would be, with none of iocp4j's Win32 semantics (no port, no OVERLAPPED, no second thread).
 * One thread owns a single-issuer ring, submits and reaps in one {@code io_uring_enter} per loop. Two ways to
 * receive ({@link Receives}): server kind {@code ring-raw} gives each connection one 16 KiB buffer and one
 * operation in flight, a receive or the send of what it received; {@code ring-multishot} arms one multishot receive
 * per connection into a ring of provided 16 KiB buffers and echoes straight from them, one send at a time, as
 * Netty's io_uring transport receives. Not part of the library.
 */
final class RingEchoServer implements EchoServer, CompletionHandler {
    private static final int BUFFER = 16 * 1024;
    private static final int ENTRIES = 4096;
    private static final long LOOP_NANOS = 50_000_000L;
    private static final int ACCEPT = 0;
    private static final int RECV = 1;
    private static final int SEND = 2;

    /** How receives are posted: the subject of the issue-6 measurements (see BENCHMARKS.md). */
    enum Receives {
        /** One receive per connection, posted when the echo of the previous data has been sent. */
        AFTER_SEND,
        /** One multishot receive per connection into a provided-buffer ring; data is echoed from those buffers. */
        MULTISHOT
    }

    private static final int GROUP = 1;
    private static final int PROVIDED = 2048;
    private static final int PROVIDED_SIZE = BUFFER;

    private final Receives receives;
    private BufferRing provided;
    /** Connections whose multishot receive ran out of buffers; re-armed once buffers come back. */
    private Conn[] starved = new Conn[64];
    private int starvedCount;
    private final int listenFd;
    private final int port;
    private final MemorySegment peer = Arena.ofAuto().allocate(128);
    private final MemorySegment peerLength = Arena.ofAuto().allocate(4);
    private final Thread loop;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean stopping;
    private IoUring ring;
    /** Connections by id; the user_data names the id, never the fd (fd numbers are reused at once). */
    private Conn[] conns = new Conn[1024];
    private int[] freeIds = new int[1024];
    private int freeCount;
    private int nextId;

    /** One connection: its fd and buffer, and how much of a received chunk is sent back so far. */
    private static final class Conn {
        final int id;
        final int fd;
        /** AFTER_SEND's own buffer; null with MULTISHOT, which echoes from the provided buffers. */
        final MemorySegment buffer;
        int length;
        int sent;
        /** MULTISHOT: received buffers (id << 16 | length) waiting to be echoed, oldest first; the head is being sent. */
        int[] queue = new int[16];
        int queueHead;
        int queueSize;
        boolean ended;

        Conn(int id, int fd, boolean ownBuffer) {
            this.id = id;
            this.fd = fd;
            this.buffer = ownBuffer ? Arena.ofAuto().allocate(BUFFER, 64) : null;
        }
    }

    RingEchoServer(String bind, int port, Receives receives) throws IOException {
        this.receives = receives;
        listenFd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        if (listenFd < 0) {
            throw new IOException("socket: " + Errno.name(-listenFd));
        }
        Sockets.setIntOption(listenFd, Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, 1);
        MemorySegment address = Arena.ofAuto().allocate(16);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Sockets.AF_INET);
        address.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(InetAddress.getByName(bind).getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
        check("bind", Sockets.bind(listenFd, address, 16));
        check("listen", Sockets.listen(listenFd, 4096));
        MemorySegment length = Arena.ofAuto().allocate(4);
        length.set(ValueLayout.JAVA_INT, 0, 16);
        check("getsockname", Sockets.getsockname(listenFd, address, length));
        this.port = Short.toUnsignedInt(address.get(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2));
        loop = new Thread(this::run, "ring-raw-echo");
        loop.start();
    }

    private static void check(String call, int r) throws IOException {
        if (r < 0) {
            throw new IOException(call + ": " + Errno.name(-r));
        }
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        stopped.get();
    }

    private void run() {
        // Created on this thread, which becomes the ring's only issuer.
        ring = IoUring.setup(ENTRIES, Flags.IORING_SETUP_SINGLE_ISSUER | Flags.IORING_SETUP_DEFER_TASKRUN);
        if (receives == Receives.MULTISHOT) {
            provided = BufferRing.register(ring, GROUP, PROVIDED, PROVIDED_SIZE);
        }
        try {
            postAccept();
            while (!stopping) {
                int r = ring.submitAndWait(1, LOOP_NANOS);
                if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
                    throw new IllegalStateException("io_uring_enter: " + Errno.name(-r));
                }
                ring.cq().drain(this);
                if (provided != null) {
                    provided.publish();
                    rearmStarved();
                }
            }
        } finally {
            for (Conn c : conns) {
                if (c != null) {
                    Syscalls.close(c.fd);
                }
            }
            Syscalls.close(listenFd);
            if (provided != null) {
                provided.close();  // receives still armed fail with ENOBUFS from here on
            }
            ring.close();
            stopped.complete(null);
        }
    }

    @Override
    public void handle(long userData, int res, int flags) {
        int kind = (int) (userData & 3);
        if (kind == ACCEPT) {
            accepted(res);
            return;
        }
        Conn c = conns[(int) (userData >>> 2)];
        if (receives == Receives.MULTISHOT) {
            handleMultishot(c, kind, res, flags);
            return;
        }
        if (res <= 0) {
            retire(c);  // its one operation has ended: nothing of the ring names it any more
        } else if (kind == RECV) {
            c.length = res;
            c.sent = 0;
            postSend(c);
        } else {
            c.sent += res;
            if (c.sent < c.length) {
                postSend(c);
            } else {
                postRecv(c);
            }
        }
    }

    private void accepted(int fd) {
        if (fd >= 0) {
            Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
            int id = freeCount > 0 ? freeIds[--freeCount] : nextId++;
            if (id == conns.length) {
                conns = Arrays.copyOf(conns, id * 2);
                freeIds = Arrays.copyOf(freeIds, id * 2);
            }
            Conn c = new Conn(id, fd, receives == Receives.AFTER_SEND);
            conns[id] = c;
            if (receives == Receives.MULTISHOT) {
                armMultishot(c);
            } else {
                postRecv(c);
            }
        }
        postAccept();
    }

    private void handleMultishot(Conn c, int kind, int res, int flags) {
        if (kind == RECV) {
            if (res > 0) {
                enqueue(c, BufferRing.bufferId(flags) << 16 | res);
            }
            if ((flags & Flags.IORING_CQE_F_MORE) == 0) {
                if (res == -Errno.ENOBUFS) {
                    starve(c);
                } else if (res > 0) {
                    armMultishot(c);  // the kernel ended it for its own reasons (a full CQ): arm it again
                } else {
                    c.ended = true;
                }
            }
        } else if (res < 0) {
            while (c.queueSize > 0) {
                dequeue(c);
            }
            Sockets.shutdown(c.fd, Sockets.SHUT_RDWR);  // ends the receive too
        } else {
            c.sent += res;
            if (c.sent < (c.queue[c.queueHead] & 0xFFFF)) {
                postProvidedSend(c);
                return;
            }
            dequeue(c);
            if (c.queueSize > 0) {
                c.sent = 0;
                postProvidedSend(c);
            }
        }
        if (c.ended && c.queueSize == 0) {
            retire(c);  // its receive has ended and nothing is being sent: the ring names it no more
        }
    }

    /** Drops the oldest received buffer, giving it back to the kernel. */
    private void dequeue(Conn c) {
        provided.recycle(c.queue[c.queueHead] >>> 16);
        c.queueHead = (c.queueHead + 1) & (c.queue.length - 1);
        c.queueSize--;
    }

    private void enqueue(Conn c, int entry) {
        if (c.queueSize == c.queue.length) {
            int[] grown = new int[c.queue.length * 2];
            for (int i = 0; i < c.queueSize; i++) {
                grown[i] = c.queue[(c.queueHead + i) & (c.queue.length - 1)];
            }
            c.queue = grown;
            c.queueHead = 0;
        }
        c.queue[(c.queueHead + c.queueSize) & (c.queue.length - 1)] = entry;
        if (c.queueSize++ == 0) {
            c.sent = 0;
            postProvidedSend(c);
        }
    }

    private void starve(Conn c) {
        if (starvedCount == starved.length) {
            starved = Arrays.copyOf(starved, starvedCount * 2);
        }
        starved[starvedCount++] = c;
    }

    private void rearmStarved() {
        for (int i = 0; i < starvedCount; i++) {
            armMultishot(starved[i]);
            starved[i] = null;
        }
        starvedCount = 0;
    }

    private void retire(Conn c) {
        conns[c.id] = null;
        freeIds[freeCount++] = c.id;
        Syscalls.close(c.fd);
    }

    private void armMultishot(Conn c) {
        SubmissionQueue sq = sq();
        Sqe.prepRecvMultishot(sq.sqes(), sq.next(), c.fd, GROUP, 0, userData(c, RECV));
    }

    private void postProvidedSend(Conn c) {
        int head = c.queue[c.queueHead];
        SubmissionQueue sq = sq();
        Sqe.prepSend(sq.sqes(), sq.next(), c.fd, provided.buffer(head >>> 16).address() + c.sent,
                (head & 0xFFFF) - c.sent, Sockets.MSG_NOSIGNAL, userData(c, SEND));
    }

    private void postAccept() {
        peerLength.set(ValueLayout.JAVA_INT, 0, (int) peer.byteSize());
        SubmissionQueue sq = sq();
        Sqe.prepAccept(sq.sqes(), sq.next(), listenFd, peer.address(), peerLength.address(), Sockets.SOCK_CLOEXEC,
                ACCEPT);
    }

    private void postRecv(Conn c) {
        SubmissionQueue sq = sq();
        Sqe.prepRecv(sq.sqes(), sq.next(), c.fd, c.buffer.address(), BUFFER, 0, userData(c, RECV));
    }

    private void postSend(Conn c) {
        SubmissionQueue sq = sq();
        Sqe.prepSend(sq.sqes(), sq.next(), c.fd, c.buffer.address() + c.sent, c.length - c.sent,
                Sockets.MSG_NOSIGNAL, userData(c, SEND));
    }

    private static long userData(Conn c, int kind) {
        return (long) c.id << 2 | kind;
    }

    /** A full SQ (more operations between two loops than it holds) is submitted first. */
    private SubmissionQueue sq() {
        SubmissionQueue sq = ring.sq();
        while (sq.space() == 0) {
            ring.submit();
        }
        return sq;
    }
}
