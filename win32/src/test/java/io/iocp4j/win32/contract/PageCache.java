package io.iocp4j.win32.contract;

import io.iocp4j.linux.Files;
import io.iocp4j.linux.Syscalls;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Test support: puts a file's data out of the page cache, so that the next read of it has to wait for the disk. */
final class PageCache {
    private static final MethodHandle MINCORE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("mincore").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS));
    private static final int PAGE = 4096;

    private PageCache() {
    }

    /**
     * Writes the file back (only clean pages can be dropped), then asks the kernel to drop its cached pages, until
     * none is left: a page the kernel still holds for a moment (writeback, another CPU's LRU batch, under load) is
     * skipped by one request. The temporary directories of these tests are on a disk filesystem; on tmpfs the
     * pages would be the file itself.
     */
    static void evict(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        long size = java.nio.file.Files.size(file);
        int fd = Files.open(file.toString(), Files.O_RDONLY | Files.O_CLOEXEC, 0);
        assertTrue(fd >= 0, () -> "open " + file + ": " + fd);
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                assertEquals(0, Files.fadvise(fd, Files.POSIX_FADV_DONTNEED), "posix_fadvise(DONTNEED)");
                if (residentPages(fd, size) == 0) {
                    return;
                }
                Thread.sleep(20);
            }
            fail(file + " stays in the page cache");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        } finally {
            Syscalls.close(fd);
        }
    }

    /** mincore(2) over a mapping of the file that is never touched, so looking faults nothing in. */
    private static int residentPages(int fd, long size) {
        if (size == 0) {
            return 0;
        }
        long address = Syscalls.mmap(size, Syscalls.PROT_READ, Syscalls.MAP_SHARED, fd, 0);
        assertTrue(address > 0, () -> "mmap: " + address);
        try (Arena arena = Arena.ofConfined()) {
            int pages = (int) ((size + PAGE - 1) / PAGE);
            MemorySegment vec = arena.allocate(pages);
            assertEquals(0, (int) MINCORE.invokeExact(address, size, vec), "mincore");
            int resident = 0;
            for (int i = 0; i < pages; i++) {
                resident += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
            }
            return resident;
        } catch (Throwable t) {
            throw new AssertionError(t);
        } finally {
            Syscalls.munmap(address, size);
        }
    }
}
