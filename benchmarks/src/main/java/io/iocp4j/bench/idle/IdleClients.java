package io.iocp4j.bench.idle;

import io.iocp4j.linux.Sockets;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The client side of {@link IdleConnectionsBenchmark}, run in its own JVM so that its sockets and objects do not
 * count against the server's: opens N connections with plain system calls (an int per connection), checks that
 * each echoes one byte, says READY, waits for its stdin to close, checks every connection again and says VERIFIED.
 */
public final class IdleClients {
    private IdleClients() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        Arena arena = Arena.global();
        MemorySegment addr = arena.allocate(16);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) Sockets.AF_INET);
        addr.set(ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN), 2, (short) port);
        addr.set(ValueLayout.JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN), 4, 0x7F000001);
        MemorySegment one = arena.allocate(1);
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
            if (fds[i] < 0 || Sockets.connect(fds[i], addr, 16) < 0) {
                throw new IOException("connection " + i + " failed: " + fds[i]);
            }
            echo(fds[i], one, i);
        }
        System.out.println("READY " + n);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the benchmark measures the server while these connections sit idle
        }
        for (int i = 0; i < n; i++) {
            echo(fds[i], one, i);
        }
        System.out.println("VERIFIED " + n);
        for (int fd : fds) {
            Sockets.shutdown(fd, Sockets.SHUT_RDWR);
        }
    }

    private static void echo(int fd, MemorySegment one, int i) throws IOException {
        byte b = (byte) i;
        one.set(ValueLayout.JAVA_BYTE, 0, b);
        if (Sockets.send(fd, one, 1, Sockets.MSG_NOSIGNAL) != 1) {
            throw new IOException("send on connection " + i + " failed");
        }
        one.set(ValueLayout.JAVA_BYTE, 0, (byte) ~b);
        if (Sockets.recv(fd, one, 1, 0) != 1 || one.get(ValueLayout.JAVA_BYTE, 0) != b) {
            throw new IOException("connection " + i + " did not echo");
        }
    }
}
