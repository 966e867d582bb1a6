package io.iocp4j.bench.echo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The raw-ring reference server echoes every byte, small and large messages, many in flight, and stops on close. */
@Timeout(30)
class RingEchoServerTest {
    private static final LoadGenerator.Window NO_METER = new LoadGenerator.Window() {
        @Override
        public void begin() {
        }

        @Override
        public void end() {
        }
    };

    @Test
    void echoesEveryByteAndStops() throws Exception {
        echoes(RingEchoServer.Receives.AFTER_SEND);
    }

    @Test
    void multishotEchoesEveryByteAndStops() throws Exception {
        echoes(RingEchoServer.Receives.MULTISHOT);
    }

    private static void echoes(RingEchoServer.Receives receives) throws Exception {
        RingEchoServer server = new RingEchoServer("127.0.0.1", 0, receives);
        try {
            for (Workload w : new Workload[] {new Workload(64, 8, 1), new Workload(4096, 8, 16)}) {
                Measurement m = new NioLoadGenerator(0.5).run("127.0.0.1", server.port(), w, 0.2, 0.3, NO_METER);
                assertEquals(0, m.errors(), m::toString);
                assertEquals(8, m.connected());
                assertTrue(m.messages() > 0, m::toString);
            }
        } finally {
            server.close();
        }
    }
}
