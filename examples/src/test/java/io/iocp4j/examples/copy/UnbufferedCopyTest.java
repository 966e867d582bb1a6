package io.iocp4j.examples.copy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** E2E-3: the copier gives a byte-identical file for sizes around the block and sector boundaries. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnbufferedCopyTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} bytes, unbuffered={1}")
    @CsvSource({"0,false", "1,false", "4095,false", "4096,false", "4097,false", "65535,false", "65537,false",
            "10485883,false", "0,true", "1,true", "4095,true", "4096,true", "4097,true", "65537,true",
            "10485883,true"})
    @DisplayName("E2E-3 byte-identical copies")
    void copies(int size, boolean unbuffered) throws Exception {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        Path src = dir.resolve("src-" + size);
        Path dst = dir.resolve("dst-" + size);
        Files.write(src, data);
        UnbufferedCopy.Result r = UnbufferedCopy.copy(src.toString(), dst.toString(), unbuffered, 65536, 4, null);
        assertEquals(size, r.bytes());
        assertEquals(size, Files.size(dst));
        assertArrayEquals(sha256(data), sha256(Files.readAllBytes(dst)));
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }
}
