package io.iocp4j.bench.echo;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultTableTest {
    private static Measurement measured(long messages, double seconds, double serverCpu) {
        return new Measurement(messages, messages * 64, seconds, 1_000, 2_000, 3_000, 0, 10, null, serverCpu, 0.95);
    }

    @Test
    void serverCpuPerMessageIsCpuTimeOverMessages() {
        assertEquals(5.0, measured(200_000, 2, 0.5).serverMicrosPerMessage(), 1e-9);
        assertTrue(Double.isNaN(measured(0, 2, 0.5).serverMicrosPerMessage()));
    }

    @Test
    void ratiosCompareServerCpuPerMessageWhenThroughputIsEqual() {
        ResultTable table = new ResultTable(List.of(ServerKind.IOCP4J, ServerKind.NIO2));
        Workload w = new Workload(64, 10, 1);
        table.add(w, ServerKind.IOCP4J, measured(200_000, 2, 0.5));  // 5 us per message
        table.add(w, ServerKind.NIO2, measured(200_000, 2, 1.0));    // 10 us per message
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        table.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("| " + w + " | iocp4j | 100,000 |"), out);
        assertTrue(out.contains("| 5.00 |"), out);
        assertTrue(out.contains("| msgs/s vs nio2 | p99 vs nio2 | CPU/msg vs nio2 |"), out);
        assertTrue(out.contains("| " + w + " | 1.00x | 1.00x | 0.50x |"), out);
    }
}
