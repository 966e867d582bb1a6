package io.iocp4j.bench.echo;

/**
 * What one measured interval saw: echoes completed (and verified) in it, their round-trip quantiles in nanoseconds,
 * the errors of the whole run (connects, resets, wrong bytes, echoes missing at the end, a crashed server), and the
 * CPU the server and the client used in the interval, as a share of one CPU (NaN: not metered).
 */
record Measurement(long messages, long bytes, double seconds, long p50, long p99, long p999, long errors,
                   int connected, String problem, double serverCpu, double clientCpu) {
    private static final double BUSY = 0.9;

    static Measurement failed(String why) {
        return new Measurement(0, 0, 0, 0, 0, 0, 1, 0, why, Double.NaN, Double.NaN);
    }

    Measurement withCpu(CpuMeter cpu) {
        return new Measurement(messages, bytes, seconds, p50, p99, p999, errors, connected, problem,
                cpu.serverShare(), cpu.clientShare());
    }

    double messagesPerSecond() {
        return seconds > 0 ? messages / seconds : 0;
    }

    /**
     * Which side used up its CPU (90% or more of it) and so set the pace: "server" is what the benchmark wants;
     * "client" means the load generator, not the server, was the limit; "both" means the figure may understate
     * the server; "none" means neither was busy (another tenant, or waiting on each other), so the figure says
     * little about either. A remote server's CPU is not metered: "client" or "n/a".
     */
    String limit() {
        boolean server = serverCpu >= BUSY;
        boolean client = clientCpu >= BUSY;
        if (Double.isNaN(serverCpu)) {
            return client ? "client" : "n/a";
        }
        return server && client ? "both" : server ? "server" : client ? "client" : "none";
    }

    /**
     * The server's CPU time per echoed message, in microseconds (NaN when not metered or nothing was echoed): the
     * figure that still compares servers when the load generator, not the server, set the pace.
     */
    double serverMicrosPerMessage() {
        return messages > 0 ? serverCpu * seconds / messages * 1e6 : Double.NaN;
    }

    double megabytesPerSecond() {
        return seconds > 0 ? bytes / seconds / 1e6 : 0;
    }

    /** One more error, named first: a server-side cause (a crash) explains the client's errors that followed. */
    Measurement withError(String why) {
        return new Measurement(messages, bytes, seconds, p50, p99, p999, errors + 1, connected,
                problem == null ? why : why + "; then " + problem, serverCpu, clientCpu);
    }

    @Override
    public String toString() {
        return String.format("%,11.0f msgs/s %,8.1f MB/s  p50 %,7.1f  p99 %,8.1f  p99.9 %,8.1f us  cpu server %4s "
                        + "client %4s (limit: %s)  %d conns  %d errors%s", messagesPerSecond(), megabytesPerSecond(),
                p50 / 1e3, p99 / 1e3, p999 / 1e3, percent(serverCpu), percent(clientCpu), limit(), connected, errors,
                problem == null ? "" : " (" + problem + ")");
    }

    /** A share of one CPU as a percentage, "n/a" when not metered (a remote server). */
    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format("%.0f%%", share * 100);
    }
}
