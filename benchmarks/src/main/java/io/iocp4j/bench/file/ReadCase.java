package io.iocp4j.bench.file;

/** One cell of the grid: through the page cache or not, and how many 4 KiB reads are kept in flight. */
record ReadCase(boolean unbuffered, int depth) {
    static final int BLOCK = 4096;

    String label() {
        return (unbuffered ? "unbuffered" : "buffered") + " QD" + depth;
    }
}
