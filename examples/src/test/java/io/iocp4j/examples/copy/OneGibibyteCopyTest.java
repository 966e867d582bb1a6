package io.iocp4j.examples.copy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static java.nio.file.StandardOpenOption.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The file issue's big copy: 1 GiB of random data copied buffered and unbuffered with the block sizes and depths
 * {@code ./iocp4j copy} uses by default, source and destination compared by CRC32C. Everything streams through a
 * 1 MiB buffer: nothing of the file is held on the heap.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OneGibibyteCopyTest {
    private static final long SIZE = 1L << 30;
    private static final int CHUNK = 1 << 20;

    @TempDir
    static Path dir;
    private static Path source;
    private static long sourceCrc;

    @BeforeAll
    static void writeSource() throws IOException {
        source = dir.resolve("source.bin");
        SplittableRandom random = new SplittableRandom(42);
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(source, CREATE_NEW, WRITE)) {
            for (long written = 0; written < SIZE; written += CHUNK) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    chunk.putLong(random.nextLong());
                }
                crc.update(chunk.flip());
                ch.write(chunk.rewind());
            }
        }
        sourceCrc = crc.getValue();
    }

    @ParameterizedTest(name = "unbuffered={0}")
    @ValueSource(booleans = {false, true})
    @DisplayName("1 GiB of random data copies intact (CRC32C)")
    void copiesOneGibibyte(boolean unbuffered) throws IOException {
        Path destination = dir.resolve("copy-" + unbuffered + ".bin");
        try {
            UnbufferedCopy.Result r = UnbufferedCopy.copy(source.toString(), destination.toString(), unbuffered,
                    null);
            assertEquals(SIZE, r.bytes());
            assertEquals(SIZE, Files.size(destination));
            assertEquals(sourceCrc, crc32c(destination));
        } finally {
            Files.deleteIfExists(destination);  // 1 GiB on a shared disk: gone as soon as checked
        }
    }

    private static long crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        try (FileChannel ch = FileChannel.open(file, READ)) {
            while (ch.read(chunk.clear()) > 0) {
                crc.update(chunk.flip());
            }
        }
        return crc.getValue();
    }
}
