package io.iocp4j.uring;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The real refusal: the JVM runs under a seccomp filter that denies the io_uring system calls (the shared
 * nouring tool), and the probe report names the cause and the remedy; no crash, no hang.
 */
class SeccompRefusalTest {
    private static final Path TOOL = Path.of(System.getProperty("user.dir"), "..", "..", "shared", "tools", "nouring.c");

    private static boolean hasCompiler() {
        try {
            return new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (java.io.IOException | InterruptedException e) {
            return false;
        }
    }

    /** The child: prints the probe report. */
    public static void main(String[] args) {
        ProbeReport.print(System.out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EPERM", "ENOSYS"})
    @DisplayName("under a seccomp filter io_uring is reported unavailable with the cause and the remedy")
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void refusedBySeccomp(String errno, @TempDir Path dir) throws Exception {
        Path source = TOOL.normalize();
        Assumptions.assumeTrue(Files.exists(source), "shared/tools/nouring.c is not beside the repository");
        Assumptions.assumeTrue(hasCompiler(), "no gcc on this machine to build the seccomp wrapper");
        Path exe = dir.resolve("nouring");
        Process cc = new ProcessBuilder("gcc", "-O2", "-o", exe.toString(), source.toString())
                .redirectErrorStream(true).start();
        assertTrue(cc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, cc.exitValue(), new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(exe.toString(), errno, java, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SeccompRefusalTest.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("UNAVAILABLE"), out);
        assertTrue(out.contains(errno), out);
        assertTrue(out.contains("Remedy"), out);
    }
}
