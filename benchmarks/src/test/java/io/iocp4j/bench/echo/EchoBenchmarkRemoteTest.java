package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 6: the benchmark loads servers that run elsewhere (here: started by the test on 127.0.0.1, as
 * {@code EchoServerMain --forever} would be on another machine), interleaved, and compares them as it does its own.
 */
@Timeout(60)
class EchoBenchmarkRemoteTest {
    @Test
    @DisplayName("issue 6: --remote loads each running server in turn, verifies every echo and prints the ratio table, "
            + "with the remote servers' CPU as n/a")
    void remoteServers() throws Exception {
        try (EchoServer iocp = ServerKind.IOCP4J.start("127.0.0.1", 0, 1);
             EchoServer nio = ServerKind.NIO2.start("127.0.0.1", 0, 1)) {
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            long errors = EchoBenchmark.run(new String[] {
                "--remote", "iocp4j@127.0.0.1:" + iocp.port() + ",nio2@127.0.0.1:" + nio.port(),
                "--rounds", "2", "--warmup", "0.2", "--seconds", "0.3", "--sizes", "64",
                "--connections", "4", "--depths", "1,8", "--logs", "target/echo-logs-test"},
                    new PrintStream(captured, true, StandardCharsets.UTF_8));
            String out = captured.toString(StandardCharsets.UTF_8);
            assertEquals(0, errors, out);
            Matcher runs = Pattern.compile("(?m)^round (\\d)  64 B, 4 conns, \\S+ *(?:x\\d+)? +(iocp4j|nio2) +([0-9,]+) "
                    + "msgs/s .* cpu server  n/a client .* 4 conns  0 errors$").matcher(out);
            StringBuilder order = new StringBuilder();
            while (runs.find()) {
                order.append(runs.group(1)).append(runs.group(2)).append(' ');
                assertTrue(Long.parseLong(runs.group(3).replace(",", "")) > 0, out);
            }
            assertEquals("1iocp4j 1nio2 1iocp4j 1nio2 2iocp4j 2nio2 2iocp4j 2nio2 ", order.toString(),
                    "each server once per workload and round, in turn:\n" + out);
            assertTrue(out.contains("| msgs/s vs nio2 |"), out);
            assertTrue(out.matches("(?s).*\\| 64 B, 4 conns, pipelined x8 \\| \\d+\\.\\d\\dx \\|.*"), out);
        }
    }

    @Test
    @DisplayName("issue 6: a malformed --remote, or a server kind named twice, is refused before anything runs")
    void badRemoteSpecs() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        for (String spec : new String[] {"iocp4j", "iocp4j@host", "iocp4j@:1", "@host:1", "iocp4j@host:",
                "nosuch@host:1"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> EchoBenchmark.run(new String[] {"--remote", spec}, quiet), spec);
        }
        assertThrows(IllegalArgumentException.class,
                () -> EchoBenchmark.run(new String[] {"--remote", "nio2@a:1,nio2@b:2"}, quiet));
    }
}
