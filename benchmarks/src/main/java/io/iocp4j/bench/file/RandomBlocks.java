package io.iocp4j.bench.file;

/**
 * Uniformly random block-aligned offsets in a file (xorshift64*: no allocation, no shared state), the pattern fio's
 * {@code --rw=randread --norandommap} draws. One instance per issuing thread.
 */
final class RandomBlocks {
    private final long blocks;
    private final int blockSize;
    private long state;

    RandomBlocks(long fileSize, int blockSize, long seed) {
        this.blocks = fileSize / blockSize;
        this.blockSize = blockSize;
        this.state = seed * 0x9E3779B97F4A7C15L | 1;
        if (blocks <= 0) {
            throw new IllegalArgumentException("file smaller than one block");
        }
    }

    long next() {
        state ^= state >>> 12;
        state ^= state << 25;
        state ^= state >>> 27;
        long r = (state * 0x2545F4914F6CDD1DL) >>> 1;
        return (r % blocks) * blockSize;
    }
}
