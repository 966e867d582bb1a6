package io.iocp4j.examples.seeds;

import io.iocp4j.win32.INTByReference;
import io.iocp4j.win32.SOCKADDR_IN;
import io.iocp4j.win32.SOCKET;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The seed programs as ported, run as a user would: the server on an ephemeral port, 100 independent clients
 * (java.net.Socket, not the library) each sending messages and checking every echoed byte.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SeedEchoServersTest {
    @BeforeAll
    static void quiet() {
        System.setProperty("iocp4j.quiet", "true");
    }

    /** Starts {@code server} on port 0, returns its listening socket once it listens. */
    private static SOCKET start(BiConsumer<Integer, Consumer<SOCKET>> server) throws Exception {
        CompletableFuture<SOCKET> listening = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> server.accept(0, listening::complete));
        return listening.get(10, TimeUnit.SECONDS);
    }

    private static int portOf(SOCKET listener) {
        SOCKADDR_IN a = new SOCKADDR_IN();
        assertEquals(0, getsockname(listener, a, new INTByReference(a.size())));
        return ntohs(a.sin_port) & 0xFFFF;
    }

    /**
     * 100 concurrent clients x 20 messages of 64 bytes (under the seeds' buffer sizes: a message split across two
     * echoes would meet Nagle's algorithm and delayed ACKs, as it would on Windows), each checked byte for byte.
     */
    private static void hundredClients(int port) throws Exception {
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        // The seeds listen with a backlog of 5, and the completion-routine server accepts one client per pass of
        // its SleepEx(100) loop: a burst of 100 connects overflows the backlog and the kernel then drops
        // handshakes for seconds (as Windows would refuse them). At most 5 clients wait to be accepted at a time;
        // a client counts as accepted once its first echo is back.
        java.util.concurrent.Semaphore connecting = new java.util.concurrent.Semaphore(5);
        for (int c = 0; c < 100; c++) {
            int id = c;
            clients.add(CompletableFuture.runAsync(() -> {
                connecting.acquireUninterruptibly();
                boolean released = false;
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                    s.setSoTimeout(30_000);
                    OutputStream out = s.getOutputStream();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    for (int m = 0; m < 20; m++) {
                        byte[] msg = String.format("client %3d message %2d %-40s|", id, m, "x".repeat(m))
                                .getBytes(StandardCharsets.US_ASCII);
                        out.write(msg);
                        byte[] back = new byte[msg.length];
                        in.readFully(back);
                        assertArrayEquals(msg, back, "client " + id + " message " + m);
                        if (!released) {
                            released = true;
                            connecting.release();
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } finally {
                    if (!released) {
                        connecting.release();
                    }
                }
            }, pool));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(100, TimeUnit.SECONDS);
        pool.close();
    }

    @Test
    @DisplayName("seed 002 IOCP echo server (GQCS workers, PER_HANDLE_DATA key, rwMode) serves 100 clients")
    void iocpEchoSeed() throws Exception {
        SOCKET listener = start(IocpEchoSeed::serve);
        hundredClients(portOf(listener));
        closesocket(listener);
    }

    @Test
    @DisplayName("seed 002's echo client, ported, talks to the ported IOCP echo server: each typed line comes back")
    void stableEchoClientSeed() throws Exception {
        SOCKET listener = start(IocpEchoSeed::serve);
        String typed = "hello\nsecond line, longer than the first\n" + "x".repeat(500) + "\nQ\n";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int echoed = StableEchoClientSeed.run("127.0.0.1", portOf(listener),
                new java.io.BufferedReader(new java.io.StringReader(typed)),
                new java.io.PrintStream(out, true, StandardCharsets.US_ASCII));
        closesocket(listener);
        assertEquals(3, echoed);
        String shown = out.toString(StandardCharsets.US_ASCII);
        assertTrue(shown.startsWith("Connected..........."), shown);
        assertTrue(shown.contains("Message from server: hello\n"), shown);
        assertTrue(shown.contains("Message from server: second line, longer than the first\n"), shown);
        assertTrue(shown.contains("Message from server: " + "x".repeat(500) + "\n"), shown);
    }

    @Test
    @DisplayName("issue 4: seed 002 completion-routine echo server (FIONBIO accept + SleepEx loop) serves 100 clients")
    void overlappedEchoSeed() throws Exception {
        SOCKET listener = start(OverlappedEchoSeed::serve);
        hundredClients(portOf(listener));
        closesocket(listener);
    }

    @Test
    @DisplayName("seed 001 worker-pool server serves 100 clients, messages larger than its 8 KiB buffer, and recycles per-I/O data")
    void workerPoolSeed() throws Exception {
        SOCKET listener = start(WorkerPoolSeed::serve);
        int port = portOf(listener);
        int allocatedBefore = WorkerPoolSeed.POOL.allocated.get();
        hundredClients(port);
        for (int wave = 0; wave < 3; wave++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(30_000);
                byte[] big = new byte[100_000];
                new java.util.Random(wave).nextBytes(big);
                s.getOutputStream().write(big);
                byte[] back = new DataInputStream(s.getInputStream()).readNBytes(big.length);
                assertArrayEquals(big, back, "a message spanning many 8 KiB receives and sends");
            }
            Thread.sleep(100);  // the server sees the close and returns the per-I/O data to the pool
        }
        int allocated = WorkerPoolSeed.POOL.allocated.get() - allocatedBefore;
        assertTrue(allocated <= 100, "at most one per-I/O data per connection open at once: " + allocated);
        assertTrue(WorkerPoolSeed.POOL.reused.get() >= 3, "later connections reuse freed per-I/O data");
        closesocket(listener);
    }

    @Test
    @DisplayName("issue 4: seed 004 event-object sender and receiver exchange their message (WSAWaitForMultipleEvents + WSAGetOverlappedResult)")
    void eventIoSeed() throws Exception {
        CompletableFuture<SOCKET> listening = new CompletableFuture<>();
        CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> EventIoSeed.receive(0,
                listening::complete));
        int port = portOf(listening.get(10, TimeUnit.SECONDS));
        assertEquals(EventIoSeed.MSG.length() + 1, EventIoSeed.send("127.0.0.1", port, EventIoSeed.MSG),
                "strlen(msg)+1 bytes sent");
        assertEquals(EventIoSeed.MSG, received.get(10, TimeUnit.SECONDS));

        // and each side against a plain java.net peer
        CompletableFuture<SOCKET> listening2 = new CompletableFuture<>();
        CompletableFuture<String> received2 = CompletableFuture.supplyAsync(() -> EventIoSeed.receive(0,
                listening2::complete));
        try (Socket s = new Socket("127.0.0.1", portOf(listening2.get(10, TimeUnit.SECONDS)))) {
            s.getOutputStream().write("from java.net\0".getBytes(StandardCharsets.US_ASCII));
            assertEquals("from java.net", received2.get(10, TimeUnit.SECONDS));
        }
        try (java.net.ServerSocket server = new java.net.ServerSocket(0)) {
            CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(
                    () -> EventIoSeed.send("127.0.0.1", server.getLocalPort(), "hello"));
            try (Socket peer = server.accept()) {
                assertArrayEquals("hello\0".getBytes(StandardCharsets.US_ASCII),
                        peer.getInputStream().readNBytes(6));
            }
            assertEquals(6, sent.get(10, TimeUnit.SECONDS));
        }
    }
}
