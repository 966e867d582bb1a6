package io.iocp4j.bench.echo;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.linux.Syscalls;
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
 * One thread owns a single-issuer ring, submits and reaps in one {@code io_uring_enter} per loop; each connection
 * has one 16 KiB buffer and one operation in flight, a receive or the send of what it received. Server kind
 * {@code ring-raw} of the echo benchmark; not part of the library.
 */
final class RingEchoServer implements EchoServerHandle, CompletionHandler {
    private static final int BUFFER = 16 * 1024;
    private static final int ENTRIES = 4096;
    private static final long LOOP_NANOS = 50_000_000L;
    private static final int ACCEPT = 0;
    private static final int RECV = 1;
    private static final int SEND = 2;

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
        final MemorySegment buffer = Arena.ofAuto().allocate(BUFFER, 64);
        int length;
        int sent;

        Conn(int id, int fd) {
            this.id = id;
            this.fd = fd;
        }
    }

    RingEchoServer(String bind, int port) throws IOException {
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
        try {
            postAccept();
            while (!stopping) {
                int r = ring.submitAndWait(1, LOOP_NANOS);
                if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
                    throw new IllegalStateException("io_uring_enter: " + Errno.name(-r));
                }
                ring.cq().drain(this);
            }
        } finally {
            for (Conn c : conns) {
                if (c != null) {
                    Syscalls.close(c.fd);
                }
            }
            Syscalls.close(listenFd);
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
        if (res <= 0) {
            conns[c.id] = null;  // its one operation has ended: nothing of the ring names it any more
            freeIds[freeCount++] = c.id;
            Syscalls.close(c.fd);
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
            Conn c = new Conn(id, fd);
            conns[id] = c;
            postRecv(c);
        }
        postAccept();
    }

    private void postAccept() {
        peerLength.set(ValueLayout.JAVA_INT, 0, (int) peer.byteSize());
        SubmissionQueue sq = sq();
        Sqe.prepAccept(sq.sqes(), sq.next(), listenFd, peer.address(), peerLength.address(), Sockets.SOCK_CLOEXEC,
                ACCEPT);
    }

    private void postRecv(Conn c) {
        SubmissionQueue sq = sq();
        Sqe.prepRecv(sq.sqes(), sq.next(), c.fd, c.buffer.address(), BUFFER, 0, (long) c.id << 2 | RECV);
    }

    private void postSend(Conn c) {
        SubmissionQueue sq = sq();
        Sqe.prepSend(sq.sqes(), sq.next(), c.fd, c.buffer.address() + c.sent, c.length - c.sent,
                Sockets.MSG_NOSIGNAL, (long) c.id << 2 | SEND);
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
