package io.iocp4j.bench.echo;

import java.lang.management.ManagementFactory;

/**
 * CPU time of the server process and of this (client) process over the measured interval, as a share of one CPU:
 * a server near 100% while the client is well below shows the server is what limits the figures, not the load
 * generator; both well below 100% means something else (another tenant, the scheduler) took the CPUs.
 */
final class CpuMeter implements LoadGenerator.Window {
    private final ProcessHandle server;
    private final com.sun.management.OperatingSystemMXBean self =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long wallStart;
    private long serverStart;
    private long clientStart;
    private double serverShare = Double.NaN;
    private double clientShare = Double.NaN;

    /** {@code server} null: a server on another machine, whose share stays NaN. */
    CpuMeter(ProcessHandle server) {
        this.server = server;
    }

    @Override
    public void begin() {
        wallStart = System.nanoTime();
        serverStart = serverCpuNanos();
        clientStart = self.getProcessCpuTime();
    }

    @Override
    public void end() {
        double wall = System.nanoTime() - wallStart;
        long serverEnd = serverCpuNanos();
        serverShare = serverStart < 0 || serverEnd < 0 ? Double.NaN : (serverEnd - serverStart) / wall;
        clientShare = (self.getProcessCpuTime() - clientStart) / wall;
    }

    double serverShare() {
        return serverShare;
    }

    double clientShare() {
        return clientShare;
    }

    /** -1 once the process is gone, or when there is none here. */
    private long serverCpuNanos() {
        return server == null ? -1 : server.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }
}
