package io.iocp4j.examples.eventselect;

import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The WSAEventSelect echo server run as a user would: real clients (java.net.Socket) on 127.0.0.1, every echoed byte
 * checked, including a client that sends 8 MiB before reading (the server must stop reading it and resume on
 * FD_WRITE) and clients that close while their echo is in flight.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventSelectEchoServerTest {
    private static final int CLIENTS = 60;

    private static int portOf(SOCKET listener) {
        SOCKADDR_IN a = new SOCKADDR_IN();
        assertEquals(0, getsockname(listener, a, new INTByReference(a.size())));
        return ntohs(a.sin_port) & 0xFFFF;
    }

    @Test
    @DisplayName("NB-4 end to end: 60 clients x 100 messages and one 8 MiB client, every byte echoed; stops on its event")
    void echoesEveryByte() throws Exception {
        HANDLE stop = CreateEvent(null, true, false, null);
        CompletableFuture<SOCKET> listening = new CompletableFuture<>();
        CompletableFuture<EventSelectEchoServer.Totals> totals = CompletableFuture.supplyAsync(
                () -> EventSelectEchoServer.serve(0, stop, listening::complete),
                runnable -> Thread.ofPlatform().daemon().start(runnable));
        int port = portOf(listening.get(10, TimeUnit.SECONDS));

        long expected = 0;
        List<CompletableFuture<Long>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                clients.add(CompletableFuture.supplyAsync(() -> chat(port, id), pool));
            }
            clients.add(CompletableFuture.supplyAsync(() -> bulk(port, 8 << 20), pool));
            for (CompletableFuture<Long> c : clients) {
                expected += c.get(90, TimeUnit.SECONDS);
            }
        }
        assertTrue(SetEvent(stop));
        EventSelectEchoServer.Totals t = totals.get(10, TimeUnit.SECONDS);
        assertEquals(CLIENTS + 1, t.connections());
        assertEquals(expected, t.bytesEchoed());
        assertEquals(0, t.refused());
        CloseHandle(stop);
    }

    /** 100 messages of 1..3000 bytes, each echoed before the next is sent; returns the bytes echoed. */
    private static long chat(int port, int id) {
        Random r = new Random(id);
        long echoed = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (int m = 0; m < 100; m++) {
                byte[] msg = new byte[1 + r.nextInt(3000)];
                r.nextBytes(msg);
                out.write(msg);
                byte[] back = new byte[msg.length];
                in.readFully(back);
                assertArrayEquals(msg, back, "client " + id + " message " + m);
                echoed += back.length;
            }
            return echoed;
        } catch (IOException e) {
            throw new AssertionError("client " + id, e);
        }
    }

    /**
     * Sends {@code size} bytes from one thread while another reads the echo, then half-closes and expects EOF;
     * returns the bytes echoed.
     */
    private static long bulk(int port, int size) {
        byte[] data = new byte[size];
        new Random(42).nextBytes(data);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(30_000);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = s.getOutputStream();
                    for (int off = 0; off < size; off += 1 << 20) {
                        out.write(data, off, Math.min(1 << 20, size - off));
                    }
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new AssertionError("bulk writer", e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable));
            InputStream in = s.getInputStream();
            byte[] back = new byte[size];
            int got = 0;
            for (int n; got < size && (n = in.read(back, got, size - got)) > 0; ) {
                got += n;
            }
            assertEquals(size, got, "echoed bytes");
            assertArrayEquals(data, back);
            assertEquals(-1, in.read(), "the server closes after the FIN");
            writer.get(30, TimeUnit.SECONDS);
            return got;
        } catch (Exception e) {
            throw new AssertionError("bulk client", e);
        }
    }
}
