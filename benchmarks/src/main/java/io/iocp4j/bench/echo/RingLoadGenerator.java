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

/**
 * A load generator on a raw io_uring (the project's ring layer, not its IOCP layer): one thread, one recv and at
 * most one send in flight per connection, and one {@code io_uring_enter} per poll for every connection's sends,
 * receives and completions. Same messages, same checks, same timing as {@link NioLoadGenerator}. It is the default
 * client ({@code --client uring}): the cheaper of the two per message, it leaves the servers, not itself, as the
 * limit more often. {@code --client nio} is the cross-check: how a client batches changes how much each server
 * gets done per wake-up.
 */
final class RingLoadGenerator extends PolledLoadGenerator implements CompletionHandler {
    private static final long POLL_NANOS = 10_000_000L;
    private static final int RECV = 0;
    private static final int SEND = 1;

    private IoUring ring;
    private MemorySegment address;
    private Conn[] conns = new Conn[0];

    /** One connection: its fd, window, buffers and the operations it has in flight. */
    private final class Conn extends Connection {
        final int fd;
        final MemorySegment out;
        final MemorySegment in;
        int inFill;
        int sendOffset;
        int sendLength;
        boolean sendBusy;

        Conn(int id, int fd) {
            super(id);
            this.fd = fd;
            Arena arena = Arena.ofAuto();  // outlives the connection while the kernel may still write into it
            out = arena.allocate((long) depth * messages.size(), 64);
            in = arena.allocate((long) depth * messages.size(), 64);
        }

        void start() {
            connected = true;
            postReceive();
            fillAndSend();
        }

        /** When no send is in flight: as many new messages as the window allows, in one send. */
        void fillAndSend() {
            if (sendBusy || !open) {
                return;
            }
            int size = messages.size();
            int n = 0;
            long now = System.nanoTime();
            while (writeNext(out, (long) n * size, now)) {
                n++;
            }
            if (n > 0) {
                sendOffset = 0;
                sendLength = n * size;
                postSend();
            }
        }

        void postSend() {
            SubmissionQueue sq = sq();
            Sqe.prepSend(sq.sqes(), sq.next(), fd, out.address() + sendOffset, sendLength - sendOffset,
                    Sockets.MSG_NOSIGNAL, userData(id, SEND));
            sendBusy = true;
        }

        void sent(int res) {
            sendBusy = false;
            if (res < 0) {
                fail("send: " + Errno.name(-res));
                return;
            }
            sendOffset += res;
            if (sendOffset < sendLength) {
                postSend();  // a short send: the rest, in order, before anything new
            } else {
                fillAndSend();
            }
        }

        void postReceive() {
            SubmissionQueue sq = sq();
            Sqe.prepRecv(sq.sqes(), sq.next(), fd, in.address() + inFill, (int) in.byteSize() - inFill, 0,
                    userData(id, RECV));
        }

        /** Checks and times every whole echo received, keeps a partial one for the next receive. */
        void received(int res) {
            if (res <= 0) {
                fail(res == 0 ? "server closed a connection" : "recv: " + Errno.name(-res));
                return;
            }
            inFill += res;
            int size = messages.size();
            long now = System.nanoTime();
            int at = 0;
            for (; inFill - at >= size; at += size) {
                if (!checkEcho(in, at, now)) {
                    return;
                }
            }
            if (at > 0) {
                MemorySegment.copy(in, at, in, 0, inFill - at);
                inFill -= at;
            }
            postReceive();
            fillAndSend();
        }

        @Override
        boolean idle() {
            return !open || (received == sent && !sendBusy);
        }

        /** Shutdown completes the receive still in flight (with 0); its CQE is then ignored. */
        @Override
        void close() {
            if (open) {
                open = false;
                Sockets.shutdown(fd, Sockets.SHUT_RDWR);
                Syscalls.close(fd);
            }
        }
    }

    RingLoadGenerator() {
        this(5.0);
    }

    RingLoadGenerator(double drainSeconds) {
        super(drainSeconds);
    }

    @Override
    protected void begin(String host, int port, Workload w) throws IOException {
        // Between two polls each connection adds at most a receive and a send: the SQ never fills.
        // Single issuer, deferred task work: a server's send that completes one of our receives only queues work
        // for this thread (no wake-up or interrupt while it runs), as the cheapest native client does. With a plain
        // ring every such send kicks or wakes this thread, and that cost, paid on the SERVER's CPU in the loopback
        // send path, grew with how the server batched its sends: it made servers look 1.7x apart (BENCHMARKS.md).
        ring = IoUring.setup(Integer.highestOneBit(2 * w.connections() + 1) * 2,
                Flags.IORING_SETUP_SINGLE_ISSUER | Flags.IORING_SETUP_DEFER_TASKRUN);
        address = Arena.ofAuto().allocate(16);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Sockets.AF_INET);
        address.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        MemorySegment.copy(InetAddress.getByName(host).getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
        conns = new Conn[0];
    }

    @Override
    protected void end() {
        ring.close();
    }

    /** A blocking connect: on loopback it returns once the kernel has the handshake, accepted or not. */
    @Override
    protected Connection connect(int id) throws IOException {
        int fd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("socket: " + Errno.name(-fd));
        }
        Sockets.setIntOption(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, 1);
        Conn c = new Conn(id, fd);
        if (id >= conns.length) {
            conns = java.util.Arrays.copyOf(conns, Math.max(16, conns.length * 2));
        }
        conns[id] = c;
        int r = Sockets.connect(fd, address, 16);
        if (r < 0) {
            c.fail("connect: " + Errno.name(-r));
        } else {
            c.start();
        }
        return c;
    }

    @Override
    protected void poll() throws IOException {
        int r = ring.submitAndWait(1, POLL_NANOS);
        if (r < 0 && r != -Errno.ETIME && r != -Errno.EINTR && r != -Errno.EBUSY && r != -Errno.EAGAIN) {
            throw new IOException("io_uring_enter: " + Errno.name(-r));
        }
        ring.cq().drain(this);
    }

    @Override
    public void handle(long userData, int res, int flags) {
        Conn c = conns[(int) (userData >>> 1)];
        if (!c.open) {
            return;  // the last CQEs of a closed connection
        }
        if ((userData & 1) == SEND) {
            c.sent(res);
        } else {
            c.received(res);
        }
    }

    /** The submission queue, which never fills (see {@link #begin}): a full one would be a bug here. */
    private SubmissionQueue sq() {
        SubmissionQueue sq = ring.sq();
        if (sq.space() == 0) {
            throw new IllegalStateException("submission queue full: more SQEs per poll than sized for");
        }
        return sq;
    }

    private static long userData(int id, int kind) {
        return (long) id << 1 | kind;
    }
}
