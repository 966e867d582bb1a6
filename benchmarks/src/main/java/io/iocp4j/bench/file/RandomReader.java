package io.iocp4j.bench.file;

import java.nio.file.Path;

/** One way of doing 4 KiB random reads for a while and saying how many it did at what CPU cost. */
interface RandomReader {
    String name();

    /** Runs {@code c} against the first {@code size} bytes of {@code file} for about {@code seconds}. */
    Measurement run(Path file, long size, ReadCase c, double seconds) throws Exception;
}
