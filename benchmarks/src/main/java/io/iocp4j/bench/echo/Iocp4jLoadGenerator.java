package io.iocp4j.bench.echo;

import io.iocp4j.examples.echo.EchoClient;

/**
 * The project's own load client (ConnectEx'd sockets on an iocp4j port, every byte checked): one run to warm up,
 * then a fresh run to measure, since EchoClient measures from its first connect to its end.
 */
final class Iocp4jLoadGenerator implements LoadGenerator {
    @Override
    public Measurement run(String host, int port, Workload w, double warmupSeconds, double measureSeconds,
                           Window window) throws InterruptedException {
        EchoClient.Result warm = client(w).run(host, port, warmupSeconds, null);
        window.begin();
        EchoClient.Result r = client(w).run(host, port, measureSeconds, null);
        window.end();
        long errors = warm.errors() + r.errors();
        return new Measurement(r.messages(), r.bytes(), r.seconds(), r.p50(), r.p99(), r.p999(), errors,
                r.connected(), errors > 0 ? "EchoClient counted errors" : null, Double.NaN, Double.NaN);
    }

    private static EchoClient client(Workload w) {
        return new EchoClient(w.connections(), w.size(), w.depth());
    }
}
