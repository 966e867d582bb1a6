package io.iocp4j.bench.file;

import java.lang.management.ManagementFactory;

/** Bytes allocated on the Java heap by all platform threads, live and terminated (-1 if the JVM cannot say). */
final class Allocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocation() {
    }

    static long totalBytes() {
        return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled()
                ? THREADS.getTotalThreadAllocatedBytes() : -1;
    }
}
