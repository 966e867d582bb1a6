package io.iocp4j.file;

import io.iocp4j.Completion;
import io.iocp4j.CompletionPort;
import io.iocp4j.IoStatusBlock;
import io.iocp4j.NtStatus;
import io.iocp4j.linux.Errno;
import io.iocp4j.linux.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * An operation or synchronous call that reaches a file object after its last handle was closed (another thread
 * closed it between the handle lookup and the call): the fd may already be closed and its number given to the next
 * open(2), so the call must never reach the kernel. An operation is delivered at once as aborted by the close
 * (CAN-6), one packet; a synchronous call fails as on an invalid handle.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IssueAfterCloseTest {
    @TempDir
    Path dir;
    /** Opened, then closed: its fd number goes to the next open, most likely {@link #second}'s. */
    private Path first;
    private Path second;

    @BeforeEach
    void twoFiles() throws Exception {
        first = java.nio.file.Files.writeString(dir.resolve("first.bin"), "first file");
        second = java.nio.file.Files.writeString(dir.resolve("second.bin"), "second file");
    }

    /** Records what the operation published. */
    private static final class Block implements IoStatusBlock {
        int status = -1;
        long bytes = -1;

        @Override
        public void markPending() {
            status = NtStatus.STATUS_PENDING;
        }

        @Override
        public void publish(int status, long bytes) {
            this.bytes = bytes;
            this.status = status;
        }
    }

    @Test
    @DisplayName("CAN-6 LNX-8 a read or write issued on a closed file object is aborted with one packet and never "
            + "touches the fd number's next owner")
    void issueAfterClose() throws Exception {
        try (CompletionPort port = CompletionPort.open(1); Arena arena = Arena.ofConfined()) {
            for (boolean write : new boolean[] {false, true}) {
                FileObject closed = open(first);
                assertTrue(closed.associate(port, "closed"));
                closed.close();  // nothing pending: the fd is released now
                FileObject next = open(second);  // most likely given the same fd number
                MemorySegment buffer = arena.allocate(16);
                buffer.fill((byte) '#');
                Block block = new Block();
                FileIo op = new FileIo();
                op.notifyTo(block, block, null, false, null);
                assertEquals(-1, closed.start(op.transfer(buffer, 16, 0, write)), "not completed as a transfer");
                Completion c = new Completion();
                assertEquals(1, port.dequeue(c, TimeUnit.SECONDS.toNanos(5), false), "one packet");
                assertEquals(NtStatus.STATUS_CANCELLED, c.status());
                assertSame(block, c.overlapped());
                assertEquals("closed", c.key());
                assertEquals(0, c.bytesTransferred());
                assertEquals(NtStatus.STATUS_CANCELLED, block.status);
                assertEquals(CompletionPort.TIMEOUT, port.dequeue(c, TimeUnit.MILLISECONDS.toNanos(50), false));
                for (int i = 0; i < 16; i++) {
                    assertEquals('#', buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i), "nothing was read");
                }
                assertEquals("second file", java.nio.file.Files.readString(second), "nothing was written");
                next.close();
            }
        }
    }

    @Test
    @DisplayName("LNX-8 synchronous calls on a closed file object fail with EBADF (STATUS_INVALID_HANDLE) and never "
            + "touch the fd number's next owner")
    void syncCallsAfterClose() throws Exception {
        FileObject closed = open(first, false);
        closed.close();
        FileObject next = open(second, false);  // most likely given the same fd number
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(-Errno.EBADF, closed.size(), "not the next owner's size");
            assertEquals(-Errno.EBADF, closed.truncateAtPointer(), "the next owner is not truncated");
            assertEquals(-Errno.EBADF, closed.flush());
            assertEquals(-Errno.EBADF, closed.advise(Files.POSIX_FADV_SEQUENTIAL));
            assertEquals(-1, closed.movePointer(0, 2), "no end to seek from");
            MemorySegment buffer = arena.allocate(16);
            buffer.fill((byte) '#');
            for (boolean write : new boolean[] {false, true}) {
                FileObject.SyncResult result = new FileObject.SyncResult();
                assertEquals(0, closed.transferAtPointer(buffer, 16, write, result));
                assertEquals(NtStatus.STATUS_INVALID_HANDLE, result.status);
            }
            assertEquals('#', buffer.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0), "nothing was read");
            assertEquals("second file", java.nio.file.Files.readString(second), "nothing written or cut");
            assertEquals(11, next.size(), "the next owner works");
        } finally {
            next.close();
        }
    }

    private static FileObject open(Path p) {
        return open(p, true);
    }

    private static FileObject open(Path p, boolean overlapped) {
        int[] errno = new int[1];
        FileObject f = FileObject.open(p.toString(), Files.O_RDWR, overlapped, false, false, errno);
        assertNotNull(f, () -> "open " + p + ": " + errno[0]);
        return f;
    }
}
