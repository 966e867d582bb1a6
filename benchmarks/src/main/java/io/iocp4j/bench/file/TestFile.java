package io.iocp4j.bench.file;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static java.nio.file.StandardOpenOption.*;

/** The file the benchmarks read: random data (nothing compressible or sparse), created once and then reused. */
final class TestFile {
    private static final int CHUNK = 1 << 20;

    private TestFile() {
    }

    /** {@code $TMPDIR/iocp4j-file-bench/random-<size>.bin}: /tmp is on the same disk as /work on these machines. */
    static Path defaultPath(long size) {
        return Path.of(System.getProperty("java.io.tmpdir"), "iocp4j-file-bench", "random-" + size + ".bin");
    }

    /** Creates {@code path} with {@code size} random bytes unless a file of exactly that size is already there. */
    static void ensure(Path path, long size, PrintStream log) throws IOException {
        if (Files.isRegularFile(path) && Files.size(path) == size) {
            log.printf("using %s (%,d bytes, reused)%n", path, size);
            return;
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
        log.printf("creating %s (%,d random bytes)...%n", path, size);
        SplittableRandom random = new SplittableRandom(size);
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(path, CREATE, WRITE, TRUNCATE_EXISTING)) {
            for (long written = 0; written < size; ) {
                chunk.clear();
                while (chunk.remaining() >= Long.BYTES) {
                    chunk.putLong(random.nextLong());
                }
                chunk.flip().limit((int) Math.min(CHUNK, size - written));
                while (chunk.hasRemaining()) {
                    written += ch.write(chunk);
                }
            }
            ch.force(true);
        }
    }

    /** Reads the whole file once so that buffered runs find it in the page cache (the "warm cache" cases). */
    static void warm(Path path) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(path, READ)) {
            while (ch.read(chunk.clear()) > 0) {
                // just pulling the pages in
            }
        }
    }
}
