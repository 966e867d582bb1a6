package io.iocp4j.win32.contract;

import io.iocp4j.win32.ExtensionFunctions;
import io.iocp4j.win32.DWORDByReference;
import io.iocp4j.win32.HANDLE;
import io.iocp4j.win32.OVERLAPPED;
import io.iocp4j.win32.SOCKET;
import io.iocp4j.win32.TRANSMIT_FILE_BUFFERS;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.iocp4j.win32.Kernel32.*;
import static io.iocp4j.win32.MSWSock.*;
import static io.iocp4j.win32.WinError.*;
import static io.iocp4j.win32.WinSock2.*;
import static org.junit.jupiter.api.Assertions.*;

/** Section 9.5: TransmitFile. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransmitFileContractTest {
    @TempDir
    Path dir;
    private final SocketTestSupport t = new SocketTestSupport();

    @AfterEach
    void close() {
        t.close();
    }

    private HANDLE file(String content) throws Exception {
        Path p = dir.resolve("tf.txt");
        Files.writeString(p, content, StandardCharsets.ISO_8859_1);
        return t.track(CreateFile(p.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, null));
    }

    @Test
    @DisplayName("TF-1 EXT-1 head + file + tail as one operation; the byte count is the sum; TF_DISCONNECT ends the "
            + "stream")
    void headFileTail() throws Exception {
        String body = "x".repeat(200_000) + "end";
        HANDLE f = file(body);
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        TRANSMIT_FILE_BUFFERS b = new TRANSMIT_FILE_BUFFERS();
        b.Head = t.text("hello world\0");
        b.HeadLength = 12;
        b.Tail = t.text("goodbye!!!\0");
        b.TailLength = 11;
        ExtensionFunctions.FunctionByReference fn = new ExtensionFunctions.FunctionByReference();
        assertEquals(0, WSAIoctl(p[0], SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_TRANSMITFILE, 16, fn, 8,
                new DWORDByReference(), null, null));
        ExtensionFunctions.LPFN_TRANSMITFILE transmit = (ExtensionFunctions.LPFN_TRANSMITFILE) fn.value;
        OVERLAPPED ov = new OVERLAPPED();
        boolean r = transmit.TransmitFile(p[0], f, 0, 0, ov, b, TF_DISCONNECT);
        assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING);
        int expected = 12 + body.length() + 11;
        String received = t.receiveText(p[1], expected);
        assertEquals("hello world\0" + body + "goodbye!!!\0", received);
        assertEquals(0, recv(p[1], t.buffer(4), 4, 0), "TF_DISCONNECT: the peer reads the end");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(expected, t.bytes.value);
    }

    @Test
    @DisplayName("TF-1 LNX-7 LNX-8 closing the file's handle while TransmitFile sends it: the transfer still reads that file")
    void fileClosedWhileSent() throws Exception {
        int size = 4 << 20;
        HANDLE f = file("a".repeat(size));
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        ExtensionFunctions.FunctionByReference fn = new ExtensionFunctions.FunctionByReference();
        assertEquals(0, WSAIoctl(p[0], SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_TRANSMITFILE, 16, fn, 8,
                new DWORDByReference(), null, null));
        ExtensionFunctions.LPFN_TRANSMITFILE transmit = (ExtensionFunctions.LPFN_TRANSMITFILE) fn.value;
        boolean r = transmit.TransmitFile(p[0], f, 0, 0, new OVERLAPPED(), null, 0);
        assertTrue(r || WSAGetLastError() == ERROR_IO_PENDING);
        assertTrue(CloseHandle(f));  // as on Windows, the operation keeps the file object: the handle may go
        // Files opened now take the lowest free fd numbers: the closed handle's, if the close let go of it.
        Path other = dir.resolve("other.txt");
        Files.writeString(other, "b".repeat(1 << 16), StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 4; i++) {
            t.track(CreateFile(other.toString(), GENERIC_READ, FILE_SHARE_READ, null, OPEN_EXISTING,
                    FILE_FLAG_OVERLAPPED, null));
        }
        StringBuilder received = new StringBuilder();
        MemorySegment chunk = t.buffer(1 << 16);
        DWORDByReference ready = new DWORDByReference();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (received.length() < size && System.nanoTime() < deadline) {  // never blocks: a stalled send must fail
            assertEquals(0, ioctlsocket(p[1], FIONREAD, ready));
            if (ready.value > 0) {
                int n = recv(p[1], chunk, Math.min(ready.value, 1 << 16), 0);
                assertTrue(n > 0, () -> "recv: " + WSAGetLastError());
                received.append(SocketTestSupport.text(chunk, n));
            }
        }
        assertEquals(-1, received.indexOf("b"), "bytes of another file were sent");
        assertEquals(size, received.length(), "bytes received");
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000), () -> "error " + GetLastError());
        assertEquals(size, t.bytes.value);
    }

    @Test
    @DisplayName("TF-2 OVL-3 the OVERLAPPED's Offset is the start in the file")
    void fromOffset() throws Exception {
        HANDLE f = file("0123456789abcdefghij");
        HANDLE port = t.port();
        SOCKET[] p = t.pair();
        CreateIoCompletionPort(p[0], port, 1L, 0);
        OVERLAPPED ov = new OVERLAPPED();
        ov.Offset = 10;
        TransmitFile(p[0], f, 0, 0, ov, null, 0);
        assertTrue(GetQueuedCompletionStatus(port, t.bytes, t.key, t.ov, 5000));
        assertEquals(10, t.bytes.value);
        assertEquals("abcdefghij", t.receiveText(p[1], 10));
    }

    @Test
    @DisplayName("TF-1 only buffers (hFile NULL); not connected is WSAENOTCONN; a datagram socket too")
    void buffersOnlyAndErrors() {
        SOCKET[] p = t.pair();
        TRANSMIT_FILE_BUFFERS b = new TRANSMIT_FILE_BUFFERS();
        b.Head = t.text("just-head");
        b.HeadLength = 9;
        assertTrue(TransmitFile(p[0], null, 0, 0, null, b, 0), "synchronous without an OVERLAPPED");
        assertEquals("just-head", t.receiveText(p[1], 9));
        assertFalse(TransmitFile(t.tcp(), null, 0, 0, new OVERLAPPED(), b, 0));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertFalse(TransmitFile(t.udp(), null, 0, 0, new OVERLAPPED(), b, 0));
        assertEquals(WSAENOTCONN, WSAGetLastError());
        assertFalse(TransmitFile(INVALID_SOCKET, null, 0, 0, new OVERLAPPED(), b, 0));
        assertEquals(WSAENOTSOCK, WSAGetLastError());
    }
}
