package io.iocp4j.bench.file;

import com.sun.nio.file.ExtendedOpenOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;

/**
 * What Java offers without iocp4j: {@code depth} platform threads sharing one FileChannel, each doing blocking
 * positional reads (pread) into its own aligned direct buffer; queue depth N costs N threads. Unbuffered opens with
 * {@link ExtendedOpenOption#DIRECT} (O_DIRECT).
 */
final class ChannelRandomReader implements RandomReader {
    @Override
    public String name() {
        return "FileChannel";
    }

    @Override
    public Measurement run(Path path, long size, ReadCase c, double seconds) throws Exception {
        OpenOption[] options = c.unbuffered()
                ? new OpenOption[] {StandardOpenOption.READ, ExtendedOpenOption.DIRECT}
                : new OpenOption[] {StandardOpenOption.READ};
        try (FileChannel channel = FileChannel.open(path, options)) {
            Reader[] readers = new Reader[c.depth()];
            CountDownLatch go = new CountDownLatch(1);
            for (int i = 0; i < readers.length; i++) {
                readers[i] = new Reader(channel, size, go, i);
                readers[i].start();
            }
            long allocated0 = Allocation.totalBytes();
            long kernel0 = ProcessCpuClock.kernelNanos();
            long cpu0 = ProcessCpuClock.nanos();
            long start = System.nanoTime();
            go.countDown();
            Thread.sleep((long) (seconds * 1000));
            for (Reader r : readers) {
                r.stop = true;
            }
            long completed = 0;
            for (Reader r : readers) {
                r.join();
                if (r.failure != null) {
                    throw r.failure;
                }
                completed += r.completed;
            }
            long elapsed = System.nanoTime() - start;
            long cpu = ProcessCpuClock.nanos() - cpu0;
            long kernel = ProcessCpuClock.kernelNanos() - kernel0;
            long allocated = Allocation.totalBytes() - allocated0;
            return new Measurement(completed, elapsed, cpu, kernel, allocated, "");
        }
    }

    /** One thread, one read in flight. */
    private static final class Reader extends Thread {
        private final FileChannel channel;
        private final CountDownLatch go;
        private final RandomBlocks offsets;
        private final ByteBuffer buffer =
                ByteBuffer.allocateDirect(2 * ReadCase.BLOCK).alignedSlice(ReadCase.BLOCK).limit(ReadCase.BLOCK);
        volatile boolean stop;
        long completed;
        Exception failure;

        Reader(FileChannel channel, long size, CountDownLatch go, int index) {
            super("filechannel-reader-" + index);
            this.channel = channel;
            this.go = go;
            this.offsets = new RandomBlocks(size, ReadCase.BLOCK, System.nanoTime() + index);
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                go.await();
                while (!stop) {
                    long position = offsets.next();
                    buffer.clear().limit(ReadCase.BLOCK);
                    while (buffer.hasRemaining()) {
                        if (channel.read(buffer, position + buffer.position()) < 0) {
                            throw new IOException("unexpected EOF at " + position);
                        }
                    }
                    completed++;
                }
            } catch (IOException | InterruptedException | UncheckedIOException e) {
                failure = e;
            }
        }
    }
}
