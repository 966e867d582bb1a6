package io.iocp4j.bench.echo;

/** Drives one server through one workload: connect, warm up, measure, drain, disconnect. Never hangs. */
interface LoadGenerator {
    /** Told when the measured interval begins and ends (to meter CPU over exactly that interval). */
    interface Window {
        void begin();

        void end();
    }

    Measurement run(String host, int port, Workload workload, double warmupSeconds, double measureSeconds,
                    Window window) throws Exception;

    static LoadGenerator of(String name) {
        return switch (name) {
            case "nio" -> new NioLoadGenerator();
            case "uring" -> new RingLoadGenerator();
            case "iocp4j" -> new Iocp4jLoadGenerator();
            default -> throw new IllegalArgumentException("unknown client '" + name + "' (known: nio, uring, "
                    + "iocp4j)");
        };
    }
}
