package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.Nio2EchoServer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each load generator counts only good echoes, and a server that corrupts or drops data shows as errors. */
@Timeout(30)
class LoadGeneratorTest {
    private static final LoadGenerator.Window NO_METER = new LoadGenerator.Window() {
        @Override
        public void begin() {
        }

        @Override
        public void end() {
        }
    };

    @ParameterizedTest
    @ValueSource(strings = {"nio", "uring"})
    void aCorrectServerGivesEchoesAndNoErrors(String client) throws Exception {
        try (Nio2EchoServer server = new Nio2EchoServer("127.0.0.1", 0, 1)) {
            Measurement m = run(client, server.port(), new Workload(64, 4, 4));
            assertEquals(0, m.errors(), m::toString);
            assertEquals(4, m.connected());
            assertTrue(m.messages() > 0, m::toString);
            assertTrue(m.p50() > 0 && m.p50() <= m.p99() && m.p99() <= m.p999(), m::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "uring"})
    void aServerThatFlipsABitIsCaught(String client) throws Exception {
        try (BadServer server = new BadServer(true)) {
            Measurement m = run(client, server.port(), new Workload(64, 2, 1));
            assertTrue(m.errors() > 0, m::toString);
            assertEquals(0, m.messages(), m::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"nio", "uring"})
    void aServerThatStopsEchoingIsCaught(String client) throws Exception {
        try (BadServer server = new BadServer(false)) {
            Measurement m = run(client, server.port(), new Workload(64, 2, 1));
            assertTrue(m.errors() > 0, m::toString);
        }
    }

    private static Measurement run(String client, int port, Workload w) throws Exception {
        LoadGenerator g = client.equals("nio") ? new NioLoadGenerator(0.5) : new RingLoadGenerator(0.5);
        return g.run("127.0.0.1", port, w, 0.2, 0.3, NO_METER);
    }

    /** Echoes with every 100th byte flipped, or reads and never answers. One thread per connection. */
    private static final class BadServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        BadServer(boolean corrupt) throws IOException {
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        Thread.ofPlatform().daemon().start(() -> serve(s, corrupt));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return listener.getLocalPort();
        }

        private static void serve(Socket s, boolean corrupt) {
            try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                byte[] b = new byte[4096];
                long seen = 0;
                for (int n; (n = in.read(b)) > 0; ) {
                    if (!corrupt) {
                        continue;
                    }
                    for (int i = 0; i < n; i++) {
                        if (++seen % 100 == 0) {
                            b[i] ^= 1;
                        }
                    }
                    out.write(b, 0, n);
                }
            } catch (IOException e) {
                // the client hung up
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
        }
    }
}
