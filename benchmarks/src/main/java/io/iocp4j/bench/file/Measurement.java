package io.iocp4j.bench.file;

/**
 * One timed run: operations completed, wall time, and CPU time by the accounting the run used. {@code kernelNanos}
 * and {@code allocatedBytes} are -1 when not measured.
 */
record Measurement(long operations, long elapsedNanos, long cpuNanos, long kernelNanos, long allocatedBytes,
                   String note) {
    double perSecond() {
        return operations / (elapsedNanos / 1e9);
    }

    double cpuMicrosPerOperation() {
        return cpuNanos / 1e3 / Math.max(operations, 1);
    }

    /** The kernel's share of the CPU time, or NaN when unknown. */
    double kernelShare() {
        return kernelNanos < 0 || cpuNanos <= 0 ? Double.NaN : (double) kernelNanos / cpuNanos;
    }

    double allocatedBytesPerOperation() {
        return allocatedBytes < 0 ? Double.NaN : (double) allocatedBytes / Math.max(operations, 1);
    }
}
