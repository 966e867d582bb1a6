package io.iocp4j.examples.echo;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The IOCP echo server under the verifying client, as a user runs them: real sockets, every byte checked. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EchoEndToEndTest {
    @Test
    @DisplayName("issue 3: 1,000 concurrent connections x 1,000 messages each, every echoed byte verified, no errors")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void thousandConnectionsThousandMessages() throws Exception {
        try (IocpEchoServer server = new IocpEchoServer("127.0.0.1", 0, 4)) {
            EchoClient.Result r = new EchoClient(1000, 64, 4, 1000).run("127.0.0.1", server.port(), 240, null);
            assertEquals(0, r.errors(), r.toString());
            assertEquals(1000, r.connected());
            assertEquals(1_000_000, r.messages(), r.toString());
        }
    }

    @Test
    @DisplayName("pipelined 4 KiB messages: bytes come back whole and in order")
    void pipelinedLargeMessages() throws Exception {
        try (IocpEchoServer server = new IocpEchoServer("127.0.0.1", 0, 2)) {
            EchoClient.Result r = new EchoClient(20, 4096, 8).run("127.0.0.1", server.port(), 2, null);
            assertEquals(0, r.errors(), r.toString());
            assertTrue(r.messages() > 100, r.toString());
            assertTrue(r.p50() > 0 && r.p99() >= r.p50(), r.toString());
        }
    }

    @Test
    @DisplayName("a client that sends 8 MiB and shuts down its side gets every byte back before the server closes")
    void halfCloseAfterBulkSend() throws Exception {
        try (IocpEchoServer server = new IocpEchoServer("127.0.0.1", 0, 2);
             java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            byte[] data = new byte[8 << 20];
            new java.util.Random(3).nextBytes(data);
            java.util.concurrent.CompletableFuture<byte[]> back = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return s.getInputStream().readAllBytes();  // until the server closes
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            s.getOutputStream().write(data);
            s.shutdownOutput();
            assertArrayEquals(data, back.get(60, TimeUnit.SECONDS));
        }
    }

    @Test
    @DisplayName("the same client against the NIO.2 reference server, so the demo's comparison is fair")
    void nio2Reference() throws Exception {
        try (Nio2EchoServer server = new Nio2EchoServer("127.0.0.1", 0, 2)) {
            EchoClient.Result r = new EchoClient(20, 256, 2).run("127.0.0.1", server.port(), 1, null);
            assertEquals(0, r.errors(), r.toString());
            assertTrue(r.messages() > 100, r.toString());
        }
    }
}
