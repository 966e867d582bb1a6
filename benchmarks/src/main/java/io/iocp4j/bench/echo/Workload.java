package io.iocp4j.bench.echo;

/**
 * One cell of the benchmark: {@code connections} connections each keeping {@code depth} messages of {@code size}
 * bytes in flight. Depth 1 is ping-pong (a round trip per message: latency); more is pipelined (throughput).
 */
record Workload(int size, int connections, int depth) {
    Workload {
        if (size < Messages.HEADER || connections <= 0 || depth <= 0) {
            throw new IllegalArgumentException("size >= " + Messages.HEADER + ", connections and depth > 0");
        }
    }

    String mode() {
        return depth == 1 ? "ping-pong" : "pipelined x" + depth;
    }

    @Override
    public String toString() {
        return (size >= 1024 ? size / 1024 + " KiB" : size + " B") + ", " + connections + " conns, " + mode();
    }
}
