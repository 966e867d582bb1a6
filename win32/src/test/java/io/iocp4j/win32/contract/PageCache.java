package io.iocp4j.win32.contract;

import io.iocp4j.linux.Files;
import io.iocp4j.linux.Syscalls;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test support: puts a file's data out of the page cache, so that the next read of it has to wait for the disk. */
final class PageCache {
    private PageCache() {
    }

    /**
     * Writes the file back (only clean pages can be dropped), then asks the kernel to drop its cached pages. The
     * temporary directories of these tests are on a disk filesystem; on tmpfs the pages would be the file itself.
     */
    static void evict(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        int fd = Files.open(file.toString(), Files.O_RDONLY | Files.O_CLOEXEC, 0);
        assertTrue(fd >= 0, () -> "open " + file + ": " + fd);
        try {
            assertEquals(0, Files.fadvise(fd, Files.POSIX_FADV_DONTNEED), "posix_fadvise(DONTNEED)");
        } finally {
            Syscalls.close(fd);
        }
    }
}
