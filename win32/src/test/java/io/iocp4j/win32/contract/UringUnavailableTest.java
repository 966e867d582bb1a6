package io.iocp4j.win32.contract;

import io.iocp4j.engine.IoEngine;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.SOCKET;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.WinSock2.recv;
import static io.iocp4j.win32.WinError.ERROR_NOT_SUPPORTED;
import static org.junit.jupiter.api.Assertions.*;

/**
 * issue 2: when io_uring_setup is refused, CreateIoCompletionPort fails with a clear Win32 error and the cause
 * names the remedy; nothing crashes or hangs. Runs in a child JVM so the refusal is seen from the first call.
 */
class UringUnavailableTest {
    /**
     * The child: tries to create a port and reports what it got; then checks that blocking sockets still work,
     * a virtual thread's recv included (it blocks in the kernel when there is no ring to wait on).
     */
    public static void main(String[] args) throws Exception {
        HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
        System.out.println("port=" + port + " error=" + GetLastError());
        System.out.println("cause=" + IoEngine.unavailabilityCause().getMessage());

        SocketTestSupport t = new SocketTestSupport();
        SOCKET[] pair = t.pair();
        int[] got = new int[1];
        Thread reader = Thread.ofVirtual().start(() -> got[0] = recv(pair[1], t.buffer(4), 4, 0));
        Thread.sleep(100);
        t.sendText(pair[0], "ping");
        reader.join(10_000);
        System.out.println("virtual recv=" + got[0]);
        t.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"EPERM", "ENOSYS"})
    @DisplayName("setup refused -> NULL port, ERROR_NOT_SUPPORTED, a cause that names the remedy; blocking sockets still work")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void refusedSetup(String errno) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Diocp4j.uring.simulateSetupErrno=" + errno,
                "-cp", System.getProperty("java.class.path"), UringUnavailableTest.class.getName()))
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the child hung");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("port=null error=" + ERROR_NOT_SUPPORTED), out);
        assertTrue(out.contains(errno), out);
        assertTrue(out.toLowerCase().contains("remedy"), out);
        assertFalse(out.contains(File.separator + "hs_err"), out);
        assertTrue(out.contains("virtual recv=4"), out);
    }
}
