package io.iocp4j.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Issue 5: `./iocp4j demo` as a user runs it (rounds of 1 s here), checking what it prints. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoCommandTest {
    @Test
    @DisplayName("issue 5 demo: both echo servers verified with 0 errors in alternating rounds, real figures and ratios "
            + "printed")
    void demoPrintsMeasuredFigures() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int status;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            status = new DemoCommand().run(new String[] {"1"});
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, out);
        Matcher results = Pattern.compile(" round (\\d)  (iocp4j|JDK NIO.2) .*:\\n   ([0-9,]+) msgs/s .*\\(([0-9,]+) "
                + "messages, 50 connections, (\\d+) errors\\)").matcher(out);
        StringBuilder runs = new StringBuilder();
        while (results.find()) {
            runs.append(results.group(1)).append(' ').append(results.group(2)).append("; ");
            assertTrue(Long.parseLong(results.group(3).replace(",", "")) > 0, out);
            assertTrue(Long.parseLong(results.group(4).replace(",", "")) > 0, out);
            assertEquals("0", results.group(5), out);
        }
        assertEquals("1 iocp4j; 1 JDK NIO.2; 2 iocp4j; 2 JDK NIO.2; ", runs.toString(),
                "each server measured once per round, alternating:\n" + out);
        assertTrue(out.matches("(?s).*throughput ratio iocp4j / NIO.2: \\d+\\.\\d\\d.*"), out);
        assertTrue(out.matches("(?s).*completion port \\(PostQueued -> GetQueued\\) +[0-9,]+ packets/s.*"), out);
        assertTrue(out.matches("(?s).*ratio port / LinkedTransferQueue +\\d+\\.\\d\\d.*"), out);
    }
}
