package io.iocp4j.uring;

import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Sockets;
import io.iocp4j.linux.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Provided-buffer rings and multishot receives on a real ring and a real TCP connection on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BufferRingTest {
    private static final long RECV = 1;
    private static final long SEND = 2;
    private final Arena arena = Arena.ofConfined();
    private final IoUring ring = IoUring.setup(64, 0);
    private final List<Integer> fds = new ArrayList<>();

    @AfterEach
    void close() {
        fds.forEach(Syscalls::close);
        ring.close();
        arena.close();
    }

    /** One CQE as seen by the test. */
    private record Cqe(long userData, int res, int flags) {
    }

    private final List<Cqe> cqes = new ArrayList<>();

    private void reap(int atLeast) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cqes.size() < atLeast) {
            assertTrue(System.nanoTime() < deadline, "CQEs missing: " + cqes);
            ring.submitAndWait(1, 50_000_000L);
            ring.cq().drain((ud, res, flags) -> cqes.add(new Cqe(ud, res, flags)));
        }
    }

    /** A connected TCP pair on 127.0.0.1: {client, server}. */
    private int[] pair() {
        int listener = track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        MemorySegment address = arena.allocate(16);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Sockets.AF_INET);
        address.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7F000001);
        assertEquals(0, Sockets.bind(listener, address, 16));
        assertEquals(0, Sockets.listen(listener, 1));
        MemorySegment length = arena.allocate(4);
        length.set(ValueLayout.JAVA_INT, 0, 16);
        assertEquals(0, Sockets.getsockname(listener, address, length));
        int client = track(Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
        assertEquals(0, Sockets.connect(client, address, 16));
        int server = track(Sockets.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, Sockets.SOCK_CLOEXEC));
        return new int[] {client, server};
    }

    private int track(int fd) {
        assertTrue(fd >= 0, () -> Errno.name(-fd));
        fds.add(fd);
        return fd;
    }

    private void send(int fd, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        MemorySegment data = arena.allocate(bytes.length);
        data.copyFrom(MemorySegment.ofArray(bytes));
        SubmissionQueue sq = ring.sq();
        Sqe.prepSend(sq.sqes(), sq.next(), fd, data.address(), bytes.length, Sockets.MSG_NOSIGNAL, SEND);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (;;) {
            for (int i = 0; i < cqes.size(); i++) {
                if (cqes.get(i).userData() == SEND) {
                    assertEquals(bytes.length, cqes.remove(i).res(), "sent whole");
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the send never completed");
            reap(cqes.size() + 1);
        }
    }

    private void armMultishot(int fd, BufferRing buffers) {
        SubmissionQueue sq = ring.sq();
        Sqe.prepRecvMultishot(sq.sqes(), sq.next(), fd, buffers.group(), 0, RECV);
        ring.submit();
    }

    private static String text(BufferRing buffers, Cqe cqe) {
        int id = BufferRing.bufferId(cqe.flags());
        assertTrue(id >= 0, "the CQE names its buffer");
        byte[] bytes = buffers.buffer(id).asSlice(0, cqe.res()).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("issue 6: one multishot receive delivers each arrival into a provided buffer it names, and stays armed")
    void multishotReceivesIntoProvidedBuffers() {
        int[] p = pair();
        try (BufferRing buffers = BufferRing.register(ring, 7, 8, 64)) {
            armMultishot(p[1], buffers);
            for (String message : List.of("one", "two", "three")) {
                send(p[0], message);
                reap(1);
                Cqe c = cqes.remove(0);
                assertEquals(RECV, c.userData());
                assertEquals(message, text(buffers, c));
                assertTrue((c.flags() & Flags.IORING_CQE_F_MORE) != 0, "still armed");
                buffers.recycle(BufferRing.bufferId(c.flags()));
                buffers.publish();
            }
            Sockets.shutdown(p[0], Sockets.SHUT_WR);
            reap(1);
            Cqe end = cqes.remove(0);
            assertEquals(0, end.res(), "end of stream");
            assertEquals(0, end.flags() & Flags.IORING_CQE_F_MORE, "the request has ended");
        }
    }

    @Test
    @DisplayName("issue 6: with every buffer in use the multishot receive ends with ENOBUFS and loses nothing; "
            + "recycled buffers and a new receive take the rest")
    void exhaustedBuffersEndTheReceive() {
        int[] p = pair();
        try (BufferRing buffers = BufferRing.register(ring, 3, 2, 8)) {
            armMultishot(p[1], buffers);
            StringBuilder got = new StringBuilder();
            send(p[0], "abcdefgh");
            reap(1);
            send(p[0], "ijklmnop");
            reap(2);
            send(p[0], "qrstuvwx");
            reap(3);
            for (int i = 0; i < 2; i++) {
                got.append(text(buffers, cqes.get(i)));
                assertTrue((cqes.get(i).flags() & Flags.IORING_CQE_F_MORE) != 0);
            }
            Cqe last = cqes.get(2);
            assertEquals(-Errno.ENOBUFS, last.res(), "no buffer left for the third arrival");
            assertEquals(0, last.flags() & Flags.IORING_CQE_F_MORE);
            buffers.recycle(BufferRing.bufferId(cqes.get(0).flags()));
            buffers.recycle(BufferRing.bufferId(cqes.get(1).flags()));
            buffers.publish();
            cqes.clear();
            armMultishot(p[1], buffers);
            reap(1);
            got.append(text(buffers, cqes.get(0)));
            assertEquals("abcdefghijklmnopqrstuvwx", got.toString(), "every byte once, in order");
        }
    }

    @Test
    @DisplayName("issue 6: a group id can be registered once at a time; bad sizes are refused before the kernel")
    void registrationErrors() {
        try (BufferRing buffers = BufferRing.register(ring, 1, 4, 16)) {
            var e = assertThrows(io.iocp4j.linux.NativeException.class, () -> BufferRing.register(ring, 1, 4, 16));
            assertEquals(Errno.EEXIST, e.errno());
        }
        assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 2, 3, 16));
        assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 2, 4, 0));
        BufferRing.register(ring, 1, 4, 16).close();  // the group is free again after close
    }
}
